using Azure.Data.Tables;
using Trading.Core.Access;
using Trading.Core.Ledger;
using Trading.Core.Loans;
using Trading.Core.Writes;

namespace Trading.Infra;

/// <summary>
/// Banks' books on Table Storage (port of the shell): one partition per bank in the loans table; a load is parallel point
/// reads, a commit one entity-group transaction with If-Match on every row that was read (Add for rows that were absent).
/// </summary>
public sealed class TableBankRows(StorageContext storage) : IPartitionRows<BankReads, BankSnapshot>
{
    public BankReads HeadOnly => BankReads.HeadOnly;

    public bool Covers(BankSnapshot snapshot, BankReads reads) =>
        reads.Applications.All(snapshot.Applications.ContainsKey) && reads.Loans.All(snapshot.Loans.ContainsKey);

    public BankReads Union(BankReads first, BankReads second) =>
        new(first.Applications.Union(second.Applications).ToList(), first.Loans.Union(second.Loans).ToList());

    public async Task<BankSnapshot> LoadAsync(string partition, BankReads reads, string? callerKeyHash, BankSnapshot? loaded, CancellationToken ct)
    {
        var bank = BankOf(partition);
        var snapshot = loaded ?? new BankSnapshot(bank);
        async Task<TableEntity?> Read(string rk)
        {
            var r = await storage.Loans.GetEntityIfExistsAsync<TableEntity>(partition, rk, cancellationToken: ct);
            return r.HasValue ? r.Value : null;
        }
        var head = loaded is null ? Read(LoanRows.Head) : Task.FromResult<TableEntity?>(null);
        var idem = callerKeyHash is null || snapshot.Idempotency is not null ? Task.FromResult<TableEntity?>(null) : Read(LedgerRows.Idempotency(callerKeyHash));
        var apps = reads.Applications.Distinct().Where(n => !snapshot.Applications.ContainsKey(n)).Select(n => (n, Read(LoanRows.Application(n)))).ToList();
        var loans = reads.Loans.Distinct().Where(n => !snapshot.Loans.ContainsKey(n)).Select(n => (n, Read(LoanRows.Loan(n)))).ToList();
        await Task.WhenAll(apps.Select(a => a.Item2).Concat(loans.Select(l => l.Item2)).Append(head).Append(idem));
        var applications = new Dictionary<long, Versioned<LoanApplication>>(snapshot.Applications);
        foreach (var (n, task) in apps)
            applications[n] = task.Result is { } e ? new Versioned<LoanApplication>(LoanRows.ToApplication(bank, e), e.ETag.ToString()) : new Versioned<LoanApplication>(null!, null);
        var loanRows = new Dictionary<long, Versioned<Loan>>(snapshot.Loans);
        foreach (var (n, task) in loans)
            loanRows[n] = task.Result is { } e ? new Versioned<Loan>(LoanRows.ToLoan(bank, e), e.ETag.ToString()) : new Versioned<Loan>(null!, null);
        return snapshot with
        {
            Head = loaded is not null ? snapshot.Head
                : head.Result is { } h ? new Versioned<BankHead>(LoanRows.ToHead(h), h.ETag.ToString()) : new Versioned<BankHead>(BankHead.Empty, null),
            Applications = applications,
            Loans = loanRows,
            Idempotency = snapshot.Idempotency ?? (idem.Result is { } i ? LedgerRows.ToIdempotency(callerKeyHash!, i) : null),
            IdempotencyVersion = snapshot.Idempotency is not null ? snapshot.IdempotencyVersion : idem.Result?.ETag.ToString(),
        };
    }

    public async Task<bool> TryCommitAsync(string partition, IReadOnlyList<RowChange> changes, CancellationToken ct)
    {
        var bank = BankOf(partition);
        var actions = changes.Select(c => LoanRows.Action(bank, c)).ToList();
        LedgerRows.RequireOnePartition(actions);
        try
        {
            await storage.Loans.SubmitTransactionAsync(actions, ct);
            return true;
        }
        catch (TableTransactionFailedException ex) when (ex.Status is 412 or 409)
        {
            return false;
        }
    }

    private static BankId BankOf(string partition) =>
        BankId.TryParse(partition, out var bank, out _) ? bank : throw new InvalidOperationException($"{partition} is not a bank's book");
}

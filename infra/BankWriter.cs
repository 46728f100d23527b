using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Trading.Core;
using Trading.Core.Access;
using Trading.Core.Ledger;
using Trading.Core.Loans;
using Trading.Core.Primitives;

namespace Trading.Infra;

/// <summary>
/// Runs a bank use case on the bank's partition of the loans table: load, decide (pure), commit under If-Match, and on a
/// lost race load and decide again; the caller's idempotency key bound across partitions as for markets
/// (<see cref="KeyBindings"/>). After the commit, the audit trail gets its records and the loan figures count new loans.
/// </summary>
public sealed class BankWriter(StorageContext storage, KeyBindings bindings, LoanFigures figures, AuditTrail audit, OfferIndex offers, TimeProvider time,
    ILogger<BankWriter> logger)
{
    public async Task<WriteOutcome<T>> ExecuteAsync<T>(IBankUseCase<T> useCase, Principal caller, string? idempotencyKey, Func<T, string> render,
        string? traceId, CancellationToken ct)
    {
        var fingerprint = useCase.Fingerprint;
        var callerKeyHash = idempotencyKey is null ? null : Hashing.Sha256Hex(caller.Id + "\n" + idempotencyKey);
        var binding = callerKeyHash is null ? null : await bindings.FindAsync(callerKeyHash, fingerprint!, ct);
        var boundHere = false;
        for (var attempt = 1; ; attempt++)
        {
            var context = new UseCaseContext(caller, time.GetUtcNow(), callerKeyHash, traceId);
            Decision<T> decision;
            try
            {
                decision = BankUseCaseRunner.Run(useCase, await LoadAsync(useCase.Bank, useCase.Reads, callerKeyHash, ct), context);
            }
            catch (DomainException) when (boundHere)
            {
                await bindings.UnbindAsync(binding!, ct);
                throw;
            }
            if (decision.Replayed is { } replay) return new WriteOutcome<T>(default, replay.Answer ?? "", true, replay.ResourceId);
            var body = render(decision.Answer!);
            if (decision.WritesNothing) return new WriteOutcome<T>(decision.Answer, body, false, decision.ResourceId);
            decision = UseCaseRunner.WithAnswer(decision, body);
            if (callerKeyHash is not null && binding is not { Mine: true })
                (binding, boundHere) = await bindings.BindAsync(caller, callerKeyHash, fingerprint!, KeyBindings.Loans, useCase.Bank.Value, binding, ct);
            await IndexAsync(useCase.Bank, decision.Changes, ct);
            try
            {
                await storage.Loans.SubmitTransactionAsync(decision.Changes.Select(c => LoanRows.Action(useCase.Bank, c)).ToList(), ct);
            }
            catch (TableTransactionFailedException ex) when (ex.Status is 412 or 409)
            {
                if (attempt >= MarketWriter.MaxAttempts) throw new UnavailableException($"The book of {useCase.Bank} is too busy; nothing was recorded.");
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 50)), ct);
                continue;
            }
            // Committed: what follows must not turn the answer into an error. A lost audit line is logged; the loan
            // counters catch up at the next CountLoans run.
            try
            {
                foreach (var entry in decision.Audit)
                    await audit.AppendAsync(caller, entry.Action, entry.Subject, traceId, body, ct);
                if (decision.Changes.Any(c => c.Row is Loan { Status: LoanStatus.Granted } && c.IfMatch is null)) await figures.CountAsync(useCase.Bank, ct);
            }
            catch (Azure.RequestFailedException ex)
            {
                logger.LogError(ex, "After {Action} committed in {Bank}: the audit line or the loan counters could not be written", useCase.Action, useCase.Bank);
            }
            return new WriteOutcome<T>(decision.Answer, body, false, decision.ResourceId);
        }
    }

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> _indexed = new(StringComparer.Ordinal);

    /// <summary>Before the commit: the bank in the list of banks, a new application or loan in its parties' lists.</summary>
    private async Task IndexAsync(BankId bank, IReadOnlyList<RowChange> changes, CancellationToken ct)
    {
        if (_indexed.TryAdd(bank.Value, true))
            await storage.Markets.UpsertEntityAsync(new TableEntity(BanksPartition, bank.Value), TableUpdateMode.Merge, ct);
        foreach (var change in changes.Where(c => c.IfMatch is null))
        {
            switch (change.Row)
            {
                case LoanApplication a:
                    await offers.AddAsync(OfferIndex.Applications, a.Id, null, null, OfferIndex.NewestFirst(a.CreatedAt),
                        ["bank:" + bank.Value, "holder:" + a.Applicant.Value], ct);
                    break;
                case Loan l:
                    await offers.AddAsync(OfferIndex.Loans, l.Id, l.BorrowerRegion, null, OfferIndex.NewestFirst(l.GrantedAt), ["bank:" + bank.Value, "holder:" + l.Borrower.Value], ct);
                    break;
            }
        }
    }

    private const string BanksPartition = "bank";

    private async Task<BankSnapshot> LoadAsync(BankId bank, BankReads reads, string? callerKeyHash, CancellationToken ct)
    {
        async Task<TableEntity?> Read(string rk)
        {
            var r = await storage.Loans.GetEntityIfExistsAsync<TableEntity>(bank.Value, rk, cancellationToken: ct);
            return r.HasValue ? r.Value : null;
        }
        var head = Read(LoanRows.Head);
        var idem = callerKeyHash is null ? Task.FromResult<TableEntity?>(null) : Read(LedgerRows.Idempotency(callerKeyHash));
        var apps = reads.Applications.Select(n => (n, Read(LoanRows.Application(n)))).ToList();
        var loans = reads.Loans.Select(n => (n, Read(LoanRows.Loan(n)))).ToList();
        await Task.WhenAll(apps.Select(a => a.Item2).Concat(loans.Select(l => l.Item2)).Append(head).Append(idem));
        return new BankSnapshot(bank)
        {
            Head = head.Result is { } h ? new Versioned<BankHead>(LoanRows.ToHead(h), h.ETag.ToString()) : new Versioned<BankHead>(BankHead.Empty, null),
            Applications = apps.ToDictionary(a => a.n, a => a.Item2.Result is { } e
                ? new Versioned<LoanApplication>(LoanRows.ToApplication(bank, e), e.ETag.ToString()) : new Versioned<LoanApplication>(null!, null)),
            Loans = loans.ToDictionary(l => l.n, l => l.Item2.Result is { } e
                ? new Versioned<Loan>(LoanRows.ToLoan(bank, e), e.ETag.ToString()) : new Versioned<Loan>(null!, null)),
            Idempotency = idem.Result is { } i ? LedgerRows.ToIdempotency(callerKeyHash!, i) : null,
        };
    }

    public async Task<LoanApplication?> GetApplicationAsync(BankId bank, long number, CancellationToken ct)
    {
        var r = await storage.Loans.GetEntityIfExistsAsync<TableEntity>(bank.Value, LoanRows.Application(number), cancellationToken: ct);
        return r.HasValue ? LoanRows.ToApplication(bank, r.Value!) : null;
    }

    public async Task<Loan?> GetLoanAsync(BankId bank, long number, CancellationToken ct)
    {
        var r = await storage.Loans.GetEntityIfExistsAsync<TableEntity>(bank.Value, LoanRows.Loan(number), cancellationToken: ct);
        return r.HasValue ? LoanRows.ToLoan(bank, r.Value!) : null;
    }

    /// <summary>A bank's applications, newest first (a bank has a bounded book; one partition range).</summary>
    public async Task<List<LoanApplication>> ApplicationsAsync(BankId bank, CancellationToken ct)
    {
        var list = new List<LoanApplication>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {bank.Value} and RowKey ge {LoanRows.ApplicationFirst} and RowKey lt {LoanRows.ApplicationLast}");
        await foreach (var e in storage.Loans.QueryAsync<TableEntity>(filter, cancellationToken: ct)) list.Add(LoanRows.ToApplication(bank, e));
        return list.OrderByDescending(a => a.Number).ToList();
    }

    /// <summary>A bank's loans, newest first.</summary>
    public async Task<List<Loan>> LoansAsync(BankId bank, CancellationToken ct)
    {
        var list = new List<Loan>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {bank.Value} and RowKey ge {LoanRows.LoanFirst} and RowKey lt {LoanRows.LoanLast}");
        await foreach (var e in storage.Loans.QueryAsync<TableEntity>(filter, cancellationToken: ct)) list.Add(LoanRows.ToLoan(bank, e));
        return list.OrderByDescending(l => l.Number).ToList();
    }

    /// <summary>Every bank with a book (from the list written before each bank's first commit).</summary>
    public async Task<List<BankId>> BanksAsync(CancellationToken ct)
    {
        var banks = new List<BankId>();
        await foreach (var e in storage.Markets.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {BanksPartition}"), select: ["RowKey"], cancellationToken: ct))
            if (BankId.TryParse(e.RowKey, out var b, out _)) banks.Add(b);
        return banks;
    }
}

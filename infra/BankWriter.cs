using Azure.Data.Tables;
using Trading.Core;
using Trading.Core.Access;
using Trading.Core.Ledger;
using Trading.Core.Loans;
using Trading.Core.Primitives;
using Trading.Core.Writes;

namespace Trading.Infra;

/// <summary>
/// Writes to banks' books: every <see cref="IBankUseCase{T}"/> runs through the one <see cref="WriteShell{TReads,TSnapshot}"/>
/// on the books' port (<see cref="TableBankRows"/>) with the banks' hooks (<see cref="BankHooks"/>); the audit records and
/// the idempotency record commit in the change's own transaction. Also the reads of a bank's book.
/// </summary>
public sealed class BankWriter(StorageContext storage, TableBankRows rows, KeyBindings bindings, BankHooks hooks, TimeProvider time, IEventRenderer events)
{
    private readonly WriteShell<BankReads, BankSnapshot> _shell = new(Books.Loans, rows, bindings, hooks, time, events);

    public Task<WriteOutcome<T>> ExecuteAsync<T>(IBankUseCase<T> useCase, Principal caller, string? idempotencyKey, Func<T, string> render,
        string? traceId, CancellationToken ct) => _shell.ExecuteAsync(useCase, caller, idempotencyKey, render, traceId, ct);

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
        await foreach (var e in storage.Markets.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {BankHooks.BanksPartition}"), select: ["RowKey"], cancellationToken: ct))
            if (BankId.TryParse(e.RowKey, out var b, out _)) banks.Add(b);
        return banks;
    }
}

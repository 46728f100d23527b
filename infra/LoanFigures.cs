using Azure;
using Azure.Data.Tables;
using Trading.Core.Access;
using Trading.Core.Loans;
using Trading.Core.Primitives;

namespace Trading.Infra;

/// <summary>
/// Loan counters per region and month: one row per (month, bank, borrower) in the borrower's region's partition, with
/// the number and amount of its loans. <see cref="CountAsync"/> brings a bank's loans into them exactly once: each row
/// remembers the last loan of its bank it counted (a bank's loans are counted in order), and the bank's cursor says how
/// far counting got; run twice, or after a crash, nothing counts twice. The <c>CountLoans</c> timer
/// (<see cref="CountPendingAsync"/>) visits only the banks with a pending mark (<see cref="LoanMarks"/>, written before a
/// commit that creates a loan), never every bank.
/// </summary>
public sealed class LoanFigures(StorageContext storage, LoanMarks marks)
{
    private const string Cursor = "figurescursor";
    private const string SweptRow = "swept";
    private volatile bool _swept;

    /// <summary>Marks a bank before a commit that creates a loan, so the counter visits it (decision 0012).</summary>
    public Task MarkAsync(BankId bank, CancellationToken ct) => marks.MarkAsync(Books.Loans, bank.Value, ct);

    /// <summary>
    /// The <c>CountLoans</c> run: counts the new loans of every marked bank (one bank per budget step; the marks not
    /// reached stay for the next run), then settles their marks. The first run on storage written before the marks
    /// existed marks every bank once. Answers how many banks it visited.
    /// </summary>
    public async Task<int> CountPendingAsync(TimerBudget budget, CancellationToken ct)
    {
        await SweepOnceAsync(ct);
        var visited = 0;
        await marks.CopyPendingAsync(async (_, partition) =>
        {
            Interlocked.Increment(ref visited);
            if (!BankId.TryParse(partition, out var bank, out var _)) return 0L;
            return await CountAsync(bank, ct);
        }, (_, partition) => UncountedAsync(partition, ct), ct, budget);
        return visited;
    }

    /// <summary>On storage with no bank yet, at start: nothing to sweep, ever.</summary>
    public async Task StartAsync(CancellationToken ct)
    {
        if (await IsSweptAsync(ct)) return;
        await foreach (var _ in storage.Markets.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {BankHooks.BanksPartition}"),
            maxPerPage: 1, select: ["RowKey"], cancellationToken: ct))
            return;
        await storage.LoanMarks.UpsertEntityAsync(new TableEntity(SweptRow, SweptRow), TableUpdateMode.Replace, ct);
        _swept = true;
    }

    private async Task<bool> IsSweptAsync(CancellationToken ct)
    {
        if (_swept) return true;
        var row = await storage.LoanMarks.GetEntityIfExistsAsync<TableEntity>(SweptRow, SweptRow, select: ["RowKey"], cancellationToken: ct);
        return _swept = row.HasValue;
    }

    /// <summary>Marks every bank once, for loans granted before the marks existed (then never again).</summary>
    private async Task SweepOnceAsync(CancellationToken ct)
    {
        if (await IsSweptAsync(ct)) return;
        var banks = new List<string>();
        await foreach (var e in storage.Markets.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {BankHooks.BanksPartition}"),
            select: ["RowKey"], cancellationToken: ct))
            banks.Add(e.RowKey);
        await marks.MarkManyAsync(Books.Loans, banks, ct);
        await storage.LoanMarks.UpsertEntityAsync(new TableEntity(SweptRow, SweptRow), TableUpdateMode.Replace, ct);
        _swept = true;
    }

    /// <summary>True when the bank's head numbers loans beyond its counting cursor.</summary>
    private async Task<bool> UncountedAsync(string bank, CancellationToken ct)
    {
        var head = await storage.Loans.GetEntityIfExistsAsync<TableEntity>(bank, LoanRows.Head, cancellationToken: ct);
        var cursor = await storage.Loans.GetEntityIfExistsAsync<TableEntity>(bank, Cursor, cancellationToken: ct);
        return (head.HasValue ? LoanRows.ToHead(head.Value!).Loans : 0) > (cursor.HasValue ? cursor.Value!.GetInt64("Counted") ?? 0 : 0);
    }

    public async Task<long> CountAsync(BankId bank, CancellationToken ct)
    {
        var head = await storage.Loans.GetEntityIfExistsAsync<TableEntity>(bank.Value, LoanRows.Head, cancellationToken: ct);
        var cursor = await storage.Loans.GetEntityIfExistsAsync<TableEntity>(bank.Value, Cursor, cancellationToken: ct);
        var loans = head.HasValue ? LoanRows.ToHead(head.Value!).Loans : 0;
        var counted = cursor.HasValue ? cursor.Value!.GetInt64("Counted") ?? 0 : 0;
        if (counted >= loans) return 0;
        for (var n = counted + 1; n <= loans; n++)
        {
            var row = await storage.Loans.GetEntityIfExistsAsync<TableEntity>(bank.Value, LoanRows.Loan(n), cancellationToken: ct);
            if (!row.HasValue) break; // numbered but not yet committed: the next run
            await ApplyAsync(LoanRows.ToLoan(bank, row.Value!), ct);
            counted = n;
        }
        var next = new TableEntity(bank.Value, Cursor) { ["Counted"] = counted };
        try
        {
            if (cursor.HasValue) await storage.Loans.UpdateEntityAsync(next, cursor.Value!.ETag, TableUpdateMode.Replace, ct);
            else await storage.Loans.AddEntityAsync(next, ct);
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412) { /* another counter moved it: the rows say what is counted */ }
        return counted;
    }

    private async Task ApplyAsync(Loan loan, CancellationToken ct)
    {
        var pk = loan.BorrowerRegion.Value;
        var rk = $"{loan.Month}|{loan.Bank.Value}|{loan.Borrower.Value}";
        for (var attempt = 1; ; attempt++)
        {
            var found = await storage.LoanFigures.GetEntityIfExistsAsync<TableEntity>(pk, rk, cancellationToken: ct);
            var row = found.HasValue ? found.Value! : null;
            if (row?.GetInt64("LastLoan") >= loan.Number) return; // counted already
            var entity = new TableEntity(pk, rk)
            {
                ["Month"] = loan.Month.ToString(),
                ["Bank"] = loan.Bank.Value,
                ["Borrower"] = loan.Borrower.Value,
                ["Loans"] = (row?.GetInt64("Loans") ?? 0) + 1,
                ["Fen"] = checked((row?.GetInt64("Fen") ?? 0) + loan.Amount.Fen),
                ["LastLoan"] = loan.Number,
            };
            try
            {
                if (row is null) await storage.LoanFigures.AddEntityAsync(entity, ct);
                else await storage.LoanFigures.UpdateEntityAsync(entity, row.ETag, TableUpdateMode.Replace, ct);
                return;
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412 && attempt < 20) { }
        }
    }

    /// <summary>The counters of borrowers registered under <paramref name="region"/> for the months from..to (inclusive).</summary>
    public async Task<List<LoanCounter>> ReadAsync(RegionPrefix region, ReportingMonth from, ReportingMonth to, CancellationToken ct)
    {
        var filter = TableClient.CreateQueryFilter($"RowKey ge {from.ToString()} and RowKey lt {to.ToString() + "~"}");
        if (region.Value.Length > 0) filter = TableClient.CreateQueryFilter($"PartitionKey ge {region.Value} and PartitionKey lt {region.Value + ":"}") + " and " + filter;
        var list = new List<LoanCounter>();
        await foreach (var e in storage.LoanFigures.QueryAsync<TableEntity>(filter, cancellationToken: ct))
        {
            BankId.TryParse(e.GetString("Bank"), out var bank, out _);
            list.Add(new LoanCounter(RegionCode.Parse(e.PartitionKey), ReportingMonth.Parse(e.GetString("Month")), bank, CreditCode.Parse(e.GetString("Borrower")),
                e.GetInt64("Loans") ?? 0, e.GetInt64("Fen") ?? 0));
        }
        return list;
    }
}

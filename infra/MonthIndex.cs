using Azure;
using Azure.Data.Tables;
using Trading.Core.Ledger;
using Trading.Core.Primitives;
using Trading.Core.Reporting;

namespace Trading.Infra;

/// <summary>
/// Which market-months a month's close must visit, kept where they become due (decision 0013). Table <c>closes</c>:
/// partition <c>month|{yyyy-MM}</c> holds a row per market with a month row in that month, written before the write that
/// creates the month row commits (once per market and month: a trade into a month row that exists writes nothing here);
/// the closer marks a row closed with the market-month's closed totals, so a stopped close goes on from where it was and
/// the report is built from this partition alone. Partition <c>closeindex</c> holds what a run reads first, in one query:
/// <c>backfill</c> (the one-time indexing of month rows written before this index existed: done flag and resume point),
/// <c>cursor</c> (every month from the first through <c>Through</c> is closed) and <c>due|{yyyy-MM}</c> (a month that
/// got its first row in some market after it ended: the closer finds it even before the first month it knows).
/// </summary>
public sealed class MonthIndex(StorageContext storage, TimeProvider time)
{
    public const string MetaPartition = "closeindex";
    private const string BackfillRow = "backfill";
    private const string CursorRow = "cursor";
    private const string DuePrefix = "due|";
    private const string MonthPrefix = "month|";
    private const int MaxActions = 100;

    /// <summary>How far apart two instances' clocks may be (as in <see cref="TableMarketRows"/>).</summary>
    private static readonly TimeSpan s_clockSkew = TimeSpan.FromMinutes(5);

    /// <summary>Markets per backfill step (one query of month rows per market, then one transaction per month).</summary>
    public int BackfillPage { get; set; } = 100;

    public static string Partition(ReportingMonth month) => MonthPrefix + month;

    /// <summary>A market-month to close; <see cref="Closed"/> holds its closed totals once the closer has closed it.</summary>
    public sealed record Entry(MarketId Market, Totals? Closed);

    /// <summary>What a run reads first: the backfill's state, the cursor, the months due out of sequence.</summary>
    public sealed record State(bool BackfillDone, string? BackfillAfter, ReportingMonth? Through, IReadOnlyList<ReportingMonth> Due);

    /// <summary>
    /// Before a market write commits: a row for each month row it creates. For a month that may have ended, also a due
    /// row, and then the month's close mark is read: a close that began before this row was written is refused here
    /// (written first, read after; the closer marks first and lists after, so one of the two sees the other).
    /// </summary>
    public async Task MarkAsync(MarketId market, IReadOnlyList<RowChange> changes, CancellationToken ct)
    {
        foreach (var change in changes)
        {
            if (change.IfMatch is not null || change.Row is not MonthCounter { Month: var month }) continue;
            await storage.Closes.UpsertEntityAsync(new TableEntity(Partition(month), market.Key), TableUpdateMode.Merge, ct);
            if (month.End > time.GetUtcNow() + s_clockSkew) continue;
            await storage.Closes.UpsertEntityAsync(new TableEntity(MetaPartition, DuePrefix + month), TableUpdateMode.Merge, ct);
            var close = await storage.Closes.GetEntityIfExistsAsync<TableEntity>(MonthFigures.ClosesPartition, month.ToString(), select: ["RowKey"], cancellationToken: ct);
            if (close.HasValue) throw Settlement.MonthClosed(month);
        }
    }

    public async Task<State> ReadStateAsync(CancellationToken ct)
    {
        var (done, after, through, due) = (false, (string?)null, (ReportingMonth?)null, new List<ReportingMonth>());
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {MetaPartition}");
        await foreach (var row in storage.Closes.QueryAsync<TableEntity>(filter, cancellationToken: ct))
        {
            if (row.RowKey == BackfillRow) (done, after) = (row.GetBoolean("Done") ?? false, row.GetString("After"));
            else if (row.RowKey == CursorRow) through = ReportingMonth.Parse(row.GetString("Through"));
            else if (row.RowKey.StartsWith(DuePrefix, StringComparison.Ordinal)) due.Add(ReportingMonth.Parse(row.RowKey[DuePrefix.Length..]));
        }
        return new State(done, after, through, due);
    }

    public Task AdvanceCursorAsync(ReportingMonth through, CancellationToken ct) =>
        storage.Closes.UpsertEntityAsync(new TableEntity(MetaPartition, CursorRow) { ["Through"] = through.ToString() }, TableUpdateMode.Replace, ct);

    public async Task ClearDueAsync(ReportingMonth month, CancellationToken ct)
    {
        try { await storage.Closes.DeleteEntityAsync(MetaPartition, DuePrefix + month, ETag.All, ct); }
        catch (RequestFailedException ex) when (ex.Status == 404) { }
    }

    /// <summary>The earliest month with a row in the index (null: none), from the first row of the month partitions.</summary>
    public async Task<ReportingMonth?> EarliestMonthAsync(CancellationToken ct)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey ge {MonthPrefix} and PartitionKey lt {MonthPrefix[..^1] + "}"}");
        await foreach (var row in storage.Closes.QueryAsync<TableEntity>(filter, maxPerPage: 1, select: ["PartitionKey"], cancellationToken: ct))
            return ReportingMonth.Parse(row.PartitionKey[MonthPrefix.Length..]);
        return null;
    }

    public async Task<IReadOnlyList<Entry>> EntriesAsync(ReportingMonth month, CancellationToken ct)
    {
        var entries = new List<Entry>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {Partition(month)}");
        await foreach (var row in storage.Closes.QueryAsync<TableEntity>(filter, cancellationToken: ct))
            if (MarketId.TryParse(row.RowKey, out var market))
                entries.Add(new Entry(market.Value, row.GetBoolean("Closed") == true ? RegionRollups.Get(row, "") : null));
        return entries;
    }

    /// <summary>Records closed market-months with their closed totals, a transaction per hundred.</summary>
    public async Task MarkClosedAsync(ReportingMonth month, IReadOnlyList<(MarketId Market, Totals Totals)> closed, CancellationToken ct)
    {
        await Bounded.SelectAsync(closed.Chunk(MaxActions).ToList(), async chunk =>
        {
            var actions = chunk.Select(c =>
            {
                var entity = new TableEntity(Partition(month), c.Market.Key) { ["Closed"] = true };
                RegionRollups.Put(entity, "", c.Totals);
                return new TableTransactionAction(TableTransactionActionType.UpsertReplace, entity);
            }).ToList();
            await storage.Closes.SubmitTransactionAsync(actions, ct);
            return 0;
        }, Bounded.DefaultConcurrency, ct);
    }

    /// <summary>
    /// One step of the one-time backfill: the next <see cref="BackfillPage"/> markets (by key, after <paramref name="after"/>)
    /// have their month rows indexed, except rows of months already closed (their figures are published) and the empty
    /// closed rows an earlier closer wrote. Returns the last market done, or null when no market is left (the backfill is
    /// then recorded as done).
    /// </summary>
    public async Task<string?> BackfillStepAsync(string? after, ISet<ReportingMonth> closedMonths, CancellationToken ct)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {TableLedger.MarketsPartition} and RowKey gt {after ?? ""}");
        var markets = new List<MarketId>();
        await foreach (var page in storage.Markets.QueryAsync<TableEntity>(filter, maxPerPage: BackfillPage, select: ["RowKey"], cancellationToken: ct).AsPages())
        {
            foreach (var row in page.Values)
                if (markets.Count < BackfillPage && MarketId.TryParse(row.RowKey, out var m)) markets.Add(m.Value);
            if (markets.Count >= BackfillPage || page.ContinuationToken is null) break;
        }
        if (markets.Count == 0)
        {
            await storage.Closes.UpsertEntityAsync(new TableEntity(MetaPartition, BackfillRow) { ["Done"] = true, ["At"] = time.GetUtcNow() }, TableUpdateMode.Replace, ct);
            return null;
        }
        var months = await Bounded.SelectAsync(markets, async market =>
        {
            var found = new List<(MarketId Market, ReportingMonth Month)>();
            var rows = TableClient.CreateQueryFilter($"PartitionKey eq {market.Key} and RowKey ge {LedgerRows.MonthFirst} and RowKey lt {LedgerRows.MonthLast}");
            await foreach (var row in storage.Ledger.QueryAsync<TableEntity>(rows, select: ["Month", "Trades", "Closed"], cancellationToken: ct))
            {
                var month = ReportingMonth.Parse(row.GetString("Month"));
                if (closedMonths.Contains(month) || (row.GetBoolean("Closed") == true && (row.GetInt64("Trades") ?? 0) == 0)) continue;
                found.Add((market, month));
            }
            return found;
        }, Bounded.DefaultConcurrency, ct);
        var transactions = months.SelectMany(m => m).GroupBy(m => m.Month)
            .SelectMany(g => g.Chunk(MaxActions).Select(chunk => chunk.Select(x =>
                new TableTransactionAction(TableTransactionActionType.UpsertMerge, new TableEntity(Partition(g.Key), x.Market.Key))).ToList()))
            .ToList();
        await Bounded.SelectAsync(transactions, async actions => (await storage.Closes.SubmitTransactionAsync(actions, ct)).Value.Count, Bounded.DefaultConcurrency, ct);
        var last = markets[^1].Key;
        await storage.Closes.UpsertEntityAsync(new TableEntity(MetaPartition, BackfillRow) { ["Done"] = false, ["After"] = last }, TableUpdateMode.Replace, ct);
        return last;
    }
}

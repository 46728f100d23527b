using Azure.Data.Tables;
using Trading.Core.Finance;
using Trading.Core.Ledger;
using Trading.Core.Market;
using Trading.Core.Primitives;

namespace Trading.Infra;

/// <summary>
/// Once, for storage written before the due index existed (decision 0012): lists the markets once, in key order, and
/// indexes each market's open proposals, pledge requests, listings and auctions not closed (<see cref="DueIndex"/>).
/// Budgeted and resumable: it asks the run's <see cref="TimerBudget"/> before each market and saves the last market it
/// finished (row <c>~meta/backfill</c>), so a run stopped at its budget goes on at the next market next time; once every
/// market is indexed it writes <c>Done</c> and never lists the markets again. A market indexed twice (two instances, or a
/// run that died before saving) writes the same entries again: nothing is due twice. On storage with no market yet
/// (<see cref="StartAsync"/>) it is done from the start: every offer to come is indexed by its own write.
/// </summary>
public sealed class DueBackfill(StorageContext storage, DueIndex index, TimeProvider time)
{
    public const string MetaPartition = "~meta";
    private const string Row = "backfill";
    private const int SaveEvery = 25;
    private volatile bool _done;

    /// <summary>Once per process at start: on storage with no market yet, marks the backfill done.</summary>
    public async Task StartAsync(CancellationToken ct)
    {
        if (await IsDoneAsync(ct)) return;
        await foreach (var _ in storage.Markets.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {TableLedger.MarketsPartition}"),
            maxPerPage: 1, select: ["RowKey"], cancellationToken: ct))
            return; // a market exists: the first timer run indexes what it holds
        await SaveAsync(null, done: true, ct);
    }

    /// <summary>Whether every market written before the index existed is indexed.</summary>
    public async Task<bool> IsDoneAsync(CancellationToken ct)
    {
        if (_done) return true;
        var row = await storage.DueIndex.GetEntityIfExistsAsync<TableEntity>(MetaPartition, Row, cancellationToken: ct);
        return _done = row.HasValue && row.Value!.GetBoolean("Done") == true;
    }

    /// <summary>Indexes the markets not yet indexed, within the budget; answers a log line when it did something (null: done before).</summary>
    public async Task<string?> RunAsync(TimerBudget budget, CancellationToken ct)
    {
        if (_done) return null;
        var row = await storage.DueIndex.GetEntityIfExistsAsync<TableEntity>(MetaPartition, Row, cancellationToken: ct);
        if (row.HasValue && row.Value!.GetBoolean("Done") == true) { _done = true; return null; }
        var after = row.HasValue ? row.Value!.GetString("After") : null;
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {TableLedger.MarketsPartition}");
        if (after is not null) filter += " and " + TableClient.CreateQueryFilter($"RowKey gt {after}");
        var markets = new List<MarketId>();
        await foreach (var e in storage.Markets.QueryAsync<TableEntity>(filter, select: ["RowKey"], cancellationToken: ct))
            if (MarketId.TryParse(e.RowKey, out var m)) markets.Add(m.Value);
        var indexed = 0;
        var items = 0;
        string? last = after;
        foreach (var market in markets)
        {
            if (!budget.TrySpend())
            {
                await SaveAsync(last, done: false, ct);
                return $"Due index backfill: {indexed} market(s) indexed ({items} item(s)), stopped at the budget after {last}; it goes on at the next run.";
            }
            var due = await OpenItemsAsync(market, ct);
            if (due.Count > 0) await index.AddAsync(market, due, ct);
            items += due.Count;
            indexed++;
            last = market.Key;
            if (indexed % SaveEvery == 0) await SaveAsync(last, done: false, ct);
        }
        await SaveAsync(last, done: true, ct);
        _done = true;
        return $"Due index backfill done: {indexed} market(s) indexed ({items} item(s)).";
    }

    /// <summary>A market's open offers and auctions not closed, as due items (one query of its partition).</summary>
    private async Task<List<DueItem>> OpenItemsAsync(MarketId market, CancellationToken ct)
    {
        string Range(string first, string last, string status) =>
            TableClient.CreateQueryFilter($"(RowKey ge {first} and RowKey lt {last} and Status {status})");
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {market.Key}") + " and (" + string.Join(" or ",
            Range(LedgerRows.ProposalFirst, LedgerRows.ProposalLast, "eq " + Quote(nameof(ProposalStatus.Proposed))),
            Range(LedgerRows.PledgeFirst, LedgerRows.PledgeLast, "eq " + Quote(nameof(PledgeStatus.Requested))),
            Range(LedgerRows.ListingFirst, LedgerRows.ListingLast, "eq " + Quote(nameof(ListingStatus.Open))),
            Range(LedgerRows.AuctionFirst, LedgerRows.AuctionLast, "ne " + Quote(nameof(AuctionStatus.Closed)))) + ")";
        var items = new List<DueItem>();
        await foreach (var e in storage.Ledger.QueryAsync<TableEntity>(filter, cancellationToken: ct))
        {
            Core.Writes.IRow row = e.RowKey switch
            {
                var k when k.StartsWith(LedgerRows.ProposalFirst, StringComparison.Ordinal) => LedgerRows.ToProposal(e),
                var k when k.StartsWith(LedgerRows.PledgeFirst, StringComparison.Ordinal) => LedgerRows.ToPledge(market, e),
                var k when k.StartsWith(LedgerRows.ListingFirst, StringComparison.Ordinal) => LedgerRows.ToListing(market, e),
                _ => LedgerRows.ToAuction(market, e),
            };
            if (DueWork.Of(row) is { } item) items.Add(item);
        }
        return items;
    }

    private static string Quote(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";

    private Task SaveAsync(string? after, bool done, CancellationToken ct) =>
        storage.DueIndex.UpsertEntityAsync(new TableEntity(MetaPartition, Row) { ["After"] = after, ["Done"] = done, ["At"] = time.GetUtcNow() }, TableUpdateMode.Replace, ct);
}

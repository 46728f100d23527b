using Azure.Data.Tables;
using Trading.Core.Access;
using Trading.Core.Market;
using Trading.Core.Market.UseCases;
using Trading.Core.Primitives;

namespace Trading.Infra;

/// <summary>
/// The <c>CloseAuctions</c> timer: settles every auction past its <c>closesAt</c>, found through the due index
/// (<see cref="DueIndex"/>: no market is visited unless an auction of it is due), several winners per transaction
/// through the writer (<see cref="SettleAuction"/>), until it is closed, then drops its index entry. The bids are ranked
/// once per run (<see cref="AuctionRanking"/>, read after the first step took the auction out of <c>open</c>, and once
/// more for the bidders' results after the last winner settled), not once per step. Budgeted: it asks the run's
/// <see cref="TimerBudget"/> before each settlement transaction; stopped at any point, the next run resumes at the next
/// winner (the entry stays until the auction is closed).
/// </summary>
public sealed class AuctionCloser(StorageContext storage, TableLedger ledger, MarketWriter writer, DueIndex index, DueBackfill backfill, TimerBudgets budgets,
    TimeProvider time)
{
    public Task<IReadOnlyList<string>> CloseDueAsync(CancellationToken ct) => CloseDueAsync(budgets.Start(), ct);

    public async Task<IReadOnlyList<string>> CloseDueAsync(TimerBudget budget, CancellationToken ct)
    {
        var lines = new List<string>();
        if (await backfill.RunAsync(budget, ct) is { } backfilled) lines.Add(backfilled);
        var due = budget.Stopped ? [] : await index.DueAsync(DueIndex.Closes, time.GetUtcNow(), ct);
        var closed = await Bounded.SelectAsync(due, async entry =>
        {
            var (line, state) = await CloseAsync(entry.Market, entry.Item.Number, budget, ct);
            if (state is null or { Status: AuctionStatus.Closed })
                await index.DropDoneAsync([entry], _ => Task.FromResult<Core.Writes.IRow?>(state), ct);
            return line;
        }, 8, ct);
        lines.AddRange(closed.OfType<string>());
        if (due.Count == 0) lines.Add("No auction was due.");
        if (budget.Stopped) lines.Add(budget.StoppedLine("CloseAuctions"));
        return lines;
    }

    /// <summary>Every auction of one market past its <c>closesAt</c>, found by a scan of its partition (not the index): the demo data's direct use.</summary>
    public async Task<List<string>> CloseDueAsync(MarketId market, CancellationToken ct)
    {
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey eq {market.Key} and RowKey ge {LedgerRows.AuctionFirst} and RowKey lt {LedgerRows.AuctionLast} and Status ne {nameof(AuctionStatus.Closed)}");
        var due = new List<long>();
        await foreach (var row in storage.Ledger.QueryAsync<TableEntity>(filter, cancellationToken: ct))
            if (LedgerRows.ToAuction(market, row) is var auction && auction.IsDue(time.GetUtcNow())) due.Add(auction.Number);
        var lines = new List<string>();
        var budget = TimerBudget.Unbounded(time);
        foreach (var number in due)
            if ((await CloseAsync(market, number, budget, ct)).Line is { } line) lines.Add(line);
        return lines;
    }

    /// <summary>
    /// Settles one due auction step by step until it is closed or the budget stops it; answers its log line (null: nothing
    /// done) and its state (null: no such auction).
    /// </summary>
    private async Task<(string? Line, Auction? State)> CloseAsync(MarketId market, long number, TimerBudget budget, CancellationToken ct)
    {
        var state = await ledger.GetAuctionAsync(market, number, ct);
        if (state is null || state.Status == AuctionStatus.Closed || !state.IsDue(time.GetUtcNow())) return (null, state);
        AuctionRanking? ranking = null;
        var steps = 0;
        while (state.Status != AuctionStatus.Closed)
        {
            // Ranked once the bids are final (the first step takes the auction out of "open"), and again only for the results.
            if (state.Status != AuctionStatus.Open && (ranking is null || !ranking.Serves(state)))
                ranking = AuctionRanking.Of(state, await ledger.BidsAsync(market, number, ct));
            if (!budget.TrySpend()) return (steps == 0 ? null : $"Settling {state.Id}: {state.Settled} winner(s) so far; it goes on at the next run.", state);
            state = (await writer.ExecuteAsync(new SettleAuction(market, number, ranking), Principal.Admin, null,
                a => TradingJson.Serialize(new { id = a.Id, status = a.Status, settled = a.Settled, sold = a.Sold.Tonnes }), null, ct)).Answer!;
            steps++;
        }
        return ($"Closed {state.Id}: {state.Settled} winner(s), {state.Sold.Tonnes} of {state.Request.Quantity.Tonnes} t/a sold.", state);
    }
}

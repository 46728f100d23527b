using Azure.Data.Tables;
using Trading.Core.Access;
using Trading.Core.Market;
using Trading.Core.Market.UseCases;
using Trading.Core.Primitives;

namespace Trading.Infra;

/// <summary>
/// The <c>CloseAuctions</c> timer: settles every auction past its <c>closesAt</c>, one winner per transaction through the
/// writer (<see cref="SettleAuction"/>), until it is closed. Stopped at any point, the next run resumes at the next winner.
/// </summary>
public sealed class AuctionCloser(StorageContext storage, TableLedger ledger, MarketWriter writer, TimeProvider time)
{
    public async Task<IReadOnlyList<string>> CloseDueAsync(CancellationToken ct)
    {
        var markets = await ledger.MarketsAsync(RegionPrefix.All, ct);
        var closed = await Bounded.SelectAsync(markets, m => CloseDueAsync(m, ct), 8, ct);
        var lines = closed.SelectMany(c => c).ToList();
        return lines.Count == 0 ? ["No auction was due."] : lines;
    }

    public async Task<List<string>> CloseDueAsync(MarketId market, CancellationToken ct)
    {
        var lines = new List<string>();
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey eq {market.Key} and RowKey ge {LedgerRows.AuctionFirst} and RowKey lt {LedgerRows.AuctionLast} and Status ne {nameof(AuctionStatus.Closed)}");
        var due = new List<Auction>();
        await foreach (var row in storage.Ledger.QueryAsync<TableEntity>(filter, cancellationToken: ct))
        {
            var auction = LedgerRows.ToAuction(market, row);
            if (auction.IsDue(time.GetUtcNow())) due.Add(auction);
        }
        foreach (var auction in due)
        {
            Auction state;
            do state = (await writer.ExecuteAsync(new SettleAuction(market, auction.Number), Principal.Admin, null,
                    a => TradingJson.Serialize(new { id = a.Id, status = a.Status, settled = a.Settled, sold = a.Sold.Tonnes }), null, ct)).Answer!;
            while (state.Status != AuctionStatus.Closed);
            lines.Add($"Closed {state.Id}: {state.Settled} winner(s), {state.Sold.Tonnes} of {state.Request.Quantity.Tonnes} t/a sold.");
        }
        return lines;
    }
}

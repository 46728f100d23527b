using Trading.Core.Ledger;
using Trading.Core.Primitives;

namespace Trading.Core.Market.UseCases;

/// <summary>
/// One step of closing an auction past its <c>closesAt</c>: records the next winner's trade (seller the reserve, the
/// winner's own price, dated <c>closesAt</c>, method Auction) together with the auction's progress and the bid's result,
/// or, when every winner is settled, closes the auction and returns what was not sold to the reserve. Each step is one
/// transaction, so a settlement stopped at any point resumes at the next winner and never settles one twice; a closed
/// auction answers as it is.
/// </summary>
public sealed record SettleAuction(MarketId Market, long Number) : IMarketUseCase<Auction>
{
    public string Action => "auction.settled";

    public MarketReads Reads(MarketSnapshot? loaded, UseCaseContext context)
    {
        var reads = new MarketReads { Auctions = [Number], BidsOf = [Number] };
        if (loaded?.Auctions.GetValueOrDefault(Number) is not { Exists: true } row || loaded.BidsOf.GetValueOrDefault(Number) is not { } bids) return reads;
        var next = NextWinner(row.Value, bids);
        var closesAt = row.Value.Request.ClosesAt;
        return next is { } winner
            ? reads.Union(Settlement.Reads(Holder.Reserve, winner.Bid.Bidder, closesAt)) with { Bids = [(Number, winner.Bid.Bidder)] }
            : reads with { Holders = [Holder.Reserve] };
    }

    private static (Bid Bid, Quantity Quantity)? NextWinner(Auction auction, IReadOnlyList<Versioned<Bid>> bids)
    {
        var winners = AuctionBook.Allocate(auction.Request.Quantity, auction.Request.MinLot, bids.Select(b => b.Value));
        return auction.Settled < winners.Count ? winners[auction.Settled] : null;
    }

    public Decision<Auction> Decide(MarketSnapshot snapshot, UseCaseContext context)
    {
        if (snapshot.Auctions.GetValueOrDefault(Number) is not { Exists: true } row) throw new NotFoundException($"No auction {Auction.IdOf(Market, Number)}.");
        var auction = row.Value;
        if (!auction.IsDue(context.Now)) return Decision<Auction>.Unchanged(auction);
        var r = auction.Request;
        var head = snapshot.Head.Value;

        if (NextWinner(auction, snapshot.BidsOf[Number]) is { } winner)
        {
            var bidRow = snapshot.Bids[(Number, winner.Bid.Bidder)];
            var trade = new TradeRequest(Market, Holder.Reserve, winner.Bid.Bidder, winner.Quantity, winner.Bid.UnitPrice, r.TermYears, TradeMethod.Auction,
                r.ClosesAt, Amounts.TradeAmount(winner.Quantity, winner.Bid.UnitPrice, r.TermYears), auction.Id);
            var settled = Settlement.Settle(trade, snapshot, head, context.Now, context.Caller.Id, unfreezing: winner.Quantity);
            var progressed = auction with { Status = AuctionStatus.Closing, Settled = auction.Settled + 1, Sold = auction.Sold.Add(winner.Quantity) };
            var won = bidRow.Value with { Filled = winner.Quantity, TradeSequence = settled.Trade.Sequence };
            return new Decision<Auction>(progressed, [RowChange.Of(row, progressed), RowChange.Of(bidRow, won), .. settled.Changes], settled.Head,
                [new AuditEntry("auction.won", auction.Id + "/" + winner.Bid.Bidder), new AuditEntry("trade.recorded", settled.Trade.Id.ToString())]);
        }

        var reserve = snapshot.Holding(Holder.Reserve);
        var closed = auction with { Status = AuctionStatus.Closed, ClosedAt = context.Now };
        return new Decision<Auction>(closed, [RowChange.Of(row, closed), RowChange.Of(reserve, reserve.Value.Unfreeze(r.Quantity.Subtract(auction.Sold)))],
            head with { OpenAuctions = head.OpenAuctions - 1 }, [new AuditEntry("auction.closed", auction.Id)]);
    }
}

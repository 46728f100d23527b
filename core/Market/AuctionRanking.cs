using Trading.Core.Primitives;

namespace Trading.Core.Market;

/// <summary>
/// An auction's bids ranked once (price, then time: <see cref="AuctionBook.Ranked"/>) with its winners, for a
/// settlement of several steps: each <see cref="UseCases.SettleAuction"/> step given it reads only the rows of the
/// winners it settles, never every bid again. Only an auction no longer open may be ranked so: once its first settlement
/// step committed (it leaves <see cref="AuctionStatus.Open"/> in that transaction), no bid can be placed or raised, so
/// the ranking stays true. The results of the bids (<see cref="Bid.Filled"/>) are what the bidders' notices carry: a
/// ranking read before the last winner settled lacks them (<see cref="HasResults"/>).
/// </summary>
public sealed record AuctionRanking(long Auction, IReadOnlyList<Bid> Ranked, IReadOnlyList<(Bid Bid, Quantity Quantity)> Winners)
{
    /// <summary>Ranks the bids of <paramref name="auction"/>, which must no longer be open.</summary>
    public static AuctionRanking Of(Auction auction, IEnumerable<Bid> bids)
    {
        if (auction.Status == AuctionStatus.Open)
            throw new InvalidOperationException($"Auction {auction.Id} is open: its bids may still move, its first settlement step ranks them.");
        var ranked = AuctionBook.Ranked(bids.Where(b => b.Auction == auction.Number)).ToList();
        return new AuctionRanking(auction.Number, ranked, AuctionBook.AllocateRanked(auction.Request.Quantity, auction.Request.MinLot, ranked));
    }

    /// <summary>Whether every winner's result is in it (ranked after the last winner settled): what the notices need.</summary>
    public bool HasResults => Winners.All(w => w.Bid.Filled is not null);

    /// <summary>Whether the next step of <paramref name="auction"/> can take this ranking (else the caller ranks again, after the step that needs it).</summary>
    public bool Serves(Auction auction) =>
        auction.Number == Auction && auction.Status != AuctionStatus.Open && (auction.Settled < Winners.Count || HasResults);
}

using Trading.Core.Primitives;

namespace Trading.Core.Market;

/// <summary>How an auction's quantity goes to its bids: price priority, then time priority (价格优先、时间优先).</summary>
public static class AuctionBook
{
    /// <summary>
    /// Bids in order of price (high first), then time (early first); each gets its whole quantity while enough remains;
    /// the first that does not fit gets what remains if that is at least the minimum lot, and the allocation stops there.
    /// Each winner pays its own price. What is not allocated returns to the reserve.
    /// </summary>
    public static IReadOnlyList<(Bid Bid, Quantity Quantity)> Allocate(Quantity quantity, Quantity minLot, IEnumerable<Bid> bids) =>
        AllocateRanked(quantity, minLot, Ranked(bids));

    /// <summary><see cref="Allocate"/> of bids already in <see cref="Ranked"/> order (an <see cref="AuctionRanking"/>).</summary>
    public static IReadOnlyList<(Bid Bid, Quantity Quantity)> AllocateRanked(Quantity quantity, Quantity minLot, IEnumerable<Bid> ranked)
    {
        var result = new List<(Bid, Quantity)>();
        var remaining = quantity;
        foreach (var bid in ranked)
        {
            if (remaining.Grams == 0) break;
            if (bid.Quantity <= remaining)
            {
                result.Add((bid, bid.Quantity));
                remaining = remaining.Subtract(bid.Quantity);
                continue;
            }
            if (remaining >= minLot) result.Add((bid, remaining));
            break;
        }
        return result;
    }

    public static IEnumerable<Bid> Ranked(IEnumerable<Bid> bids) =>
        bids.OrderByDescending(b => b.UnitPrice.Fen).ThenBy(b => b.PlacedAt).ThenBy(b => b.Bidder.Value, StringComparer.Ordinal);
}

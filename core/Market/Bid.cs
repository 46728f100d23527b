using Trading.Core.Ledger;
using Trading.Core.Primitives;
using Trading.Core.Writes;

namespace Trading.Core.Market;

/// <summary>
/// A bidder's one bid in an auction; raised only to a higher price (its time is then the time of the raise). Once the
/// auction settles, <see cref="Filled"/> says what it won and <see cref="TradeSequence"/> the trade that recorded it.
/// </summary>
public sealed record Bid(long Auction, Holder Bidder, Quantity Quantity, Money UnitPrice, DateTimeOffset PlacedAt, Quantity? Filled = null,
    long? TradeSequence = null) : IRow
{
    public TResult Accept<TResult>(IRowVisitor<TResult> visitor) => visitor.Visit(this);
}

using Trading.Core.Ledger;
using Trading.Core.Primitives;
using Trading.Core.Writes;

namespace Trading.Core.Market;

/// <summary>
/// A reserve auction. While open or closing, its quantity not yet sold is frozen in the reserve's holding. Settling
/// records each winner's trade with the auction's progress (<see cref="Settled"/> winners, <see cref="Sold"/> quantity)
/// in one transaction, so a settlement stopped half-way resumes where it stopped and never settles a winner twice; then
/// it tells its bidders their results (<see cref="Notified"/> of them so far) and closes.
/// </summary>
public sealed record Auction(
    long Number,
    AuctionRequest Request,
    AuctionStatus Status,
    DateTimeOffset CreatedAt,
    string CreatedBy,
    long Bids = 0,
    Money? BestPrice = null,
    int Settled = 0,
    Quantity Sold = default,
    DateTimeOffset? ClosedAt = null,
    int Notified = 0) : IRow
{
    public TResult Accept<TResult>(IRowVisitor<TResult> visitor) => visitor.Visit(this);

    public MarketId Market => Request.Market;
    public string Id => IdOf(Market, Number);

    public bool AcceptsBidsAt(DateTimeOffset now) => Status == AuctionStatus.Open && now >= Request.OpensAt && now < Request.ClosesAt;

    public bool IsDue(DateTimeOffset now) => Status != AuctionStatus.Closed && now >= Request.ClosesAt;

    public static string IdOf(MarketId market, long number) => $"{market.Key}-AU{number}";

    public static bool TryParseId(string? text, out MarketId market, out long number) => OfferIds.TryParse(text, "-AU", out market, out number);
}

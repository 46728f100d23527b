using Trading.Core.Ledger;
using Trading.Core.Primitives;
using Trading.Core.Writes;

namespace Trading.Core.Market;

/// <summary>
/// A listing (挂牌): the seller's offer of a quantity at a price, taken in parts by buyers, first come first served. While
/// open, what remains of it is frozen in the seller's holding.
/// </summary>
public sealed record Listing(
    long Number,
    ListingRequest Request,
    Quantity Remaining,
    ListingStatus Status,
    DateTimeOffset CreatedAt,
    string CreatedBy,
    DateTimeOffset ExpiresAt,
    DateTimeOffset? EndedAt = null,
    string? EndedBy = null) : IRow
{
    public TResult Accept<TResult>(IRowVisitor<TResult> visitor) => visitor.Visit(this);

    public MarketId Market => Request.Market;
    public string Id => IdOf(Market, Number);

    public bool IsPastExpiry(DateTimeOffset now) => now >= ExpiresAt;

    public static string IdOf(MarketId market, long number) => $"{market.Key}-L{number}";

    public static bool TryParseId(string? text, out MarketId market, out long number) => OfferIds.TryParse(text, "-L", out market, out number);
}

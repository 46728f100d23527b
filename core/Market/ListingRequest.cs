using Trading.Core.Ledger;
using Trading.Core.Primitives;

namespace Trading.Core.Market;

/// <summary>A validated listing (挂牌): a seller offers a quantity at a unit price for a term; buyers take at least the minimum lot.</summary>
public sealed record ListingRequest(MarketId Market, Holder Seller, Quantity Quantity, Money UnitPrice, int TermYears, Quantity MinLot,
    DateTimeOffset? ExpiresAt)
{
    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromDays(30);
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromDays(90);

    public string Fingerprint() => Hashing.Sha256Hex(string.Join('\n', "listing", Market.Key, Seller.Value, Quantity.Grams, UnitPrice.Fen, TermYears,
        MinLot.Grams, ExpiresAt?.UtcTicks.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? ""));
}

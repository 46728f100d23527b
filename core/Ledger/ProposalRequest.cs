using Trading.Core.Primitives;

namespace Trading.Core.Ledger;

/// <summary>
/// A validated trade proposal by one enterprise (<see cref="ProposedBy"/>, the seller or the buyer) to the other.
/// <see cref="ExpiresAt"/> is as the proposer gave it; null means the default of 7 days from creation.
/// </summary>
public sealed record ProposalRequest(
    MarketId Market,
    Holder Seller,
    Holder Buyer,
    Quantity Quantity,
    Money UnitPrice,
    int TermYears,
    TradeMethod Method,
    Money Amount,
    string? Reference,
    Holder ProposedBy,
    DateTimeOffset? ExpiresAt)
{
    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromDays(7);
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromDays(30);

    /// <summary>The request's meaning, for telling a retry from a reused idempotency key.</summary>
    public string Fingerprint()
    {
        var canonical = string.Join('\n', "proposal", Market.Key, Seller.Value, Buyer.Value, Quantity.Grams, UnitPrice.Fen, TermYears, Method,
            Amount.Fen, Reference ?? "", ProposedBy.Value, ExpiresAt?.UtcTicks.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "");
        return Hashing.Sha256Hex(canonical);
    }
}

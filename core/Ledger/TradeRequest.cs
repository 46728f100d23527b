using Trading.Core.Primitives;

namespace Trading.Core.Ledger;

/// <summary>A validated trade request. Invariants: seller ≠ buyer, amount = round(q × p × years, 2) &gt; 0.</summary>
public sealed record TradeRequest(
    MarketId Market,
    Holder Seller,
    Holder Buyer,
    Quantity Quantity,
    Money UnitPrice,
    int TermYears,
    TradeMethod Method,
    DateTimeOffset TradedAt,
    Money Amount,
    string? Reference)
{
    public ReportingMonth Month => ReportingMonth.Of(TradedAt);

    /// <summary>
    /// Fingerprint of the request's meaning (not its formatting): 8.074 and 8.0740 are the same body.
    /// Used to tell an idempotent replay from a reused key.
    /// </summary>
    public string Fingerprint()
    {
        var canonical = string.Join('\n', "trade", Market.Key, Seller.Value, Buyer.Value, Quantity.Grams, UnitPrice.Fen, TermYears,
            Method, TradedAt.UtcTicks, Amount.Fen, Reference ?? "");
        return Hashing.Sha256Hex(canonical);
    }
}

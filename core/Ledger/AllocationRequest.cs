using Trading.Core.Primitives;

namespace Trading.Core.Ledger;

/// <summary>A validated allocation (初始分配) of rights to an enterprise or to the market's reserve.</summary>
public sealed record AllocationRequest(MarketId Market, Holder Holder, Quantity Quantity, string Reference)
{
    /// <summary>The request's meaning, for telling a retry from a reused idempotency key.</summary>
    public string Fingerprint() => Hashing.Sha256Hex(string.Join('\n', "allocation", Market.Key, Holder.Value, Quantity.Grams, Reference));
}

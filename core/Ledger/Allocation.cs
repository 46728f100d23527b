using Trading.Core.Primitives;
using Trading.Core.Writes;

namespace Trading.Core.Ledger;

/// <summary>The body of <c>POST /api/allocations</c> as read from JSON, before validation.</summary>
public sealed class AllocationInput
{
    public string? Holder { get; set; }
    public string? Region { get; set; }
    public string? Pollutant { get; set; }
    public decimal? Quantity { get; set; }
    public string? Reference { get; set; }

    public AllocationRequest Validate()
    {
        var errors = new FieldErrors();
        if (!Ledger.Holder.TryParse(Holder, allowReserve: true, out var holder, out var holderError)) errors.Add("holder", holderError!);
        if (!RegionCode.TryParse(Region, out var region, out var regionError)) errors.Add("region", regionError);
        if (!Pollutants.TryParse(Pollutant, out var pollutant)) errors.Add("pollutant", $"must be one of {Pollutants.Names}");
        var quantity = Primitives.Quantity.Zero;
        if (Quantity is null) errors.Add("quantity", "is required");
        else if (!Primitives.Quantity.TryFromTonnes(Quantity.Value, out quantity, out var qError)) errors.Add("quantity", qError);
        var reference = Reference?.Trim();
        if (string.IsNullOrEmpty(reference)) errors.Add("reference", "is required (the permit or decision the allocation rests on)");
        else if (reference.Length > 200) errors.Add("reference", "has at most 200 characters");
        errors.ThrowIfAny();
        return new AllocationRequest(new MarketId(region, pollutant), holder, quantity, reference!);
    }
}

/// <summary>A validated allocation (初始分配) of rights to an enterprise or to the market's reserve.</summary>
public sealed record AllocationRequest(MarketId Market, Holder Holder, Quantity Quantity, string Reference)
{
    /// <summary>The request's meaning, for telling a retry from a reused idempotency key.</summary>
    public string Fingerprint() => Hashing.Sha256Hex(string.Join('\n', "allocation", Market.Key, Holder.Value, Quantity.Grams, Reference));
}

/// <summary>What a revocation (收回) took back from an allocation's holder into the reserve, and why.</summary>
public sealed record Revocation(Quantity Quantity, string Reason, DateTimeOffset At, string By);

/// <summary>A recorded allocation; only its revocation is ever added to it.</summary>
public sealed record Allocation(long Number, AllocationRequest Request, DateTimeOffset RecordedAt, string RecordedBy, Revocation? Revoked = null) : IRow
{
    public TResult Accept<TResult>(IRowVisitor<TResult> visitor) => visitor.Visit(this);

    public string Id => IdOf(Request.Market, Number);

    public static string IdOf(MarketId market, long number) => $"{market.Key}-A{number}";

    public static bool TryParseId(string? text, out MarketId market, out long number) => OfferIds.TryParse(text, "-A", out market, out number);
}

using Trading.Core.Primitives;

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

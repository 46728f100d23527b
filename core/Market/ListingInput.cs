using Trading.Core.Ledger;
using Trading.Core.Primitives;

namespace Trading.Core.Market;

/// <summary>The body of <c>POST /api/listings</c> as read from JSON, before validation.</summary>
public sealed class ListingInput
{
    public string? Region { get; set; }
    public string? Pollutant { get; set; }
    public string? Seller { get; set; }
    public decimal? Quantity { get; set; }
    public decimal? UnitPrice { get; set; }
    public int? TermYears { get; set; }
    public decimal? MinLot { get; set; }
    public string? ExpiresAt { get; set; }

    /// <summary>Formats (400), then the rules (422): a minimum lot no larger than the quantity, an expiry after now and at most 90 days ahead.</summary>
    public ListingRequest Validate(DateTimeOffset now)
    {
        var errors = new FieldErrors();
        if (!RegionCode.TryParse(Region, out var region, out var regionError)) errors.Add("region", regionError);
        if (!Pollutants.TryParse(Pollutant, out var pollutant)) errors.Add("pollutant", $"must be one of {Pollutants.Names}");
        if (!Holder.TryParse(Seller, allowReserve: true, out var seller, out var sellerError)) errors.Add("seller", sellerError!);
        var quantity = Fields.Quantity(Quantity, "quantity", errors);
        var minLot = MinLot is null ? Primitives.Quantity.FromGrams(Primitives.Quantity.GramsPerTonne) : Fields.Quantity(MinLot, "minLot", errors);
        var price = Fields.Price(UnitPrice, "unitPrice", errors);
        if (TermYears is null) errors.Add("termYears", "is required");
        else if (TermYears is < 1 or > 5) errors.Add("termYears", "must be 1 to 5 years");
        var expiresAt = Fields.Timestamp(ExpiresAt, "expiresAt", errors);
        errors.ThrowIfAny();
        if (minLot > quantity) throw new RuleViolationException("minLot must not exceed the quantity listed.");
        if (expiresAt is { } at && (at <= now || at > now + ListingRequest.MaxLifetime))
            throw new RuleViolationException("expiresAt must be after now and at most 90 days ahead.");
        TradeTermsInput.RequireAmountInRange(quantity, price, TermYears!.Value);
        return new ListingRequest(new MarketId(region, pollutant), seller, quantity, price, TermYears!.Value, minLot, expiresAt);
    }
}

using Trading.Core.Ledger;
using Trading.Core.Primitives;

namespace Trading.Core.Market;

/// <summary>The body of <c>POST /api/auctions</c> as read from JSON, before validation.</summary>
public sealed class AuctionInput
{
    public string? Region { get; set; }
    public string? Pollutant { get; set; }
    public decimal? Quantity { get; set; }
    public int? TermYears { get; set; }
    public decimal? StartPrice { get; set; }
    public decimal? Increment { get; set; }
    public decimal? MinLot { get; set; }
    public string? OpensAt { get; set; }
    public string? ClosesAt { get; set; }

    /// <summary>Formats (400), then the rules (422): a window that closes after it opens and after now, at most a year ahead; a minimum lot within the quantity.</summary>
    public AuctionRequest Validate(DateTimeOffset now)
    {
        var errors = new FieldErrors();
        if (!RegionCode.TryParse(Region, out var region, out var regionError)) errors.Add("region", regionError);
        if (!Pollutants.TryParse(Pollutant, out var pollutant)) errors.Add("pollutant", $"must be one of {Pollutants.Names}");
        var quantity = Fields.Quantity(Quantity, "quantity", errors);
        var minLot = Fields.Quantity(MinLot, "minLot", errors);
        var start = Fields.Price(StartPrice, "startPrice", errors);
        var increment = Fields.Price(Increment, "increment", errors);
        if (TermYears is null) errors.Add("termYears", "is required");
        else if (TermYears is < 1 or > 5) errors.Add("termYears", "must be 1 to 5 years");
        var opensAt = Fields.Timestamp(OpensAt, "opensAt", errors);
        var closesAt = Fields.Timestamp(ClosesAt, "closesAt", errors);
        if (OpensAt is null) errors.Add("opensAt", "is required");
        if (ClosesAt is null) errors.Add("closesAt", "is required");
        errors.ThrowIfAny();
        if (minLot > quantity) throw new RuleViolationException("minLot must not exceed the quantity auctioned.");
        if (closesAt <= opensAt || closesAt <= now) throw new RuleViolationException("closesAt must be after opensAt and after now.");
        if (closesAt > now.AddYears(1)) throw new RuleViolationException("closesAt must be at most a year ahead.");
        TradeTermsInput.RequireAmountInRange(quantity, start, TermYears!.Value);
        return new AuctionRequest(new MarketId(region, pollutant), quantity, TermYears!.Value, start, increment, minLot, opensAt!.Value, closesAt!.Value);
    }
}

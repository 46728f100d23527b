using Trading.Functions.Hosting;

namespace Trading.Functions;

public sealed record ListingView(
    string Id, string Status, string Region, string Pollutant, string? Seller, decimal Quantity, decimal Remaining, decimal UnitPrice,
    int TermYears, decimal MinLot, [property: SchemaFormat("date-time")] string CreatedAt, [property: SchemaFormat("date-time")] string ExpiresAt,
    [property: SchemaFormat("date-time")] string? EndedAt);

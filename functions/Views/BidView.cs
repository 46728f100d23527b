using Trading.Functions.Hosting;

namespace Trading.Functions;

public sealed record BidView(
    string Auction, string? Bidder, decimal Quantity, decimal UnitPrice, [property: SchemaFormat("date-time")] string PlacedAt, decimal? Filled,
    string? Trade);

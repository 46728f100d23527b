using Trading.Functions.Hosting;

namespace Trading.Functions;

/// <summary>A closed reserve auction as published: what was offered, what was sold, and to whom at what price (best price first).</summary>
public sealed record PublicAuctionView(
    string Id, string Region, string Pollutant, decimal Quantity, int TermYears, decimal StartPrice,
    [property: SchemaFormat("date-time")] string ClosesAt, [property: SchemaFormat("date-time")] string? ClosedAt, decimal Sold,
    IReadOnlyList<PublicWinnerView> Results);

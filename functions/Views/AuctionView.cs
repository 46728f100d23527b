using Trading.Functions.Hosting;

namespace Trading.Functions;

public sealed record AuctionView(
    string Id, string Status, string Region, string Pollutant, decimal Quantity, int TermYears, decimal StartPrice, decimal Increment,
    decimal MinLot, [property: SchemaFormat("date-time")] string OpensAt, [property: SchemaFormat("date-time")] string ClosesAt,
    decimal? BestPrice, long Bids, decimal Sold, [property: SchemaFormat("date-time")] string? ClosedAt, IReadOnlyList<BidView> Results);

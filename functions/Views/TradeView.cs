using Trading.Functions.Hosting;

namespace Trading.Functions;

public sealed record TradeView(
    string Id, string Region, string Pollutant, string Seller, string Buyer, decimal Quantity, decimal UnitPrice, int TermYears, string Method,
    [property: SchemaFormat("date-time")] string TradedAt, decimal Amount, string? Reference, string Month, long Sequence,
    [property: SchemaFormat("date-time")] string RecordedAt, string RecordedBy, string Hash, string PreviousHash,
    bool OutsideBand);

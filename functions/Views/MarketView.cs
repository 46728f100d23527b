using Trading.Functions.Hosting;

namespace Trading.Functions;

/// <summary>A market with its reference price (90-day volume-weighted average), last trade and open offers.</summary>
public sealed record MarketView(
    string Region, string Pollutant, decimal? ReferencePrice, decimal? LastPrice, [property: SchemaFormat("date-time")] string? LastTradedAt,
    long OpenListings, long OpenAuctions);

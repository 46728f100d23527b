using Trading.Core.Primitives;

namespace Trading.Core.Ledger;

/// <summary>Filters of the trade list. Months are China Standard Time, inclusive; <c>Method</c> null is every method.</summary>
public sealed record TradeQuery(RegionPrefix Region, Pollutant? Pollutant, ReportingMonth? From, ReportingMonth? To, CreditCode? Party,
    TradeMethod? Method = null);

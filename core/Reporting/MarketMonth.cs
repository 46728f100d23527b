using Trading.Core.Primitives;

namespace Trading.Core.Reporting;

/// <summary>One market's figures for one China Standard Time month, and whether that month is closed.</summary>
public sealed record MarketMonth(MarketId Market, ReportingMonth Month, Totals Totals, bool Closed);

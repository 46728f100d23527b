using Trading.Core.Primitives;

namespace Trading.Core.Reporting;

/// <summary>Change against a base period: deltas, and percentages to one decimal (null on a zero base).</summary>
public sealed record Change(long TradesDelta, decimal? TradesPct, Money AmountDelta, decimal? AmountPct);

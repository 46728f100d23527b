namespace Trading.Functions;

/// <summary>Change against a base period; percentages to one decimal, null on a zero base.</summary>
public sealed record FiguresChangeView(Int128 TradesDelta, decimal? TradesPct, decimal AmountDelta, decimal? AmountPct);

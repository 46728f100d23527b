namespace Trading.Core.Reporting;

/// <summary>Change against a base period (amount delta in fen); percentages to one decimal, null on a zero base. Wide: never overflows.</summary>
public sealed record Change(Int128 TradesDelta, decimal? TradesPct, Int128 AmountDeltaFen, decimal? AmountPct)
{
    /// <summary>The amount delta in yuan with exactly two decimals.</summary>
    public decimal AmountDelta => Wide.Yuan(AmountDeltaFen);
}

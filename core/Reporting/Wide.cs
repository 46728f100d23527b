namespace Trading.Core.Reporting;

/// <summary>
/// Wide sums shown as decimals. A decimal holds integers up to about 7.9e28; a sum of long counters reaches that only past
/// 8.5 billion counters each at the long limit (a range spans at most 120 months), so the checked conversion is never hit.
/// </summary>
public static class Wide
{
    public static decimal ToDecimal(Int128 value) => checked((decimal)value);

    /// <summary>Fen as yuan with exactly two decimals: 24,222,000 fen → 242220.00.</summary>
    public static decimal Yuan(Int128 fen) => decimal.Round(ToDecimal(fen) / 100, 2) + 0.00m;
}

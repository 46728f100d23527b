using System.Numerics;

namespace Trading.Core.Reporting;

public static class Figures
{
    /// <summary>
    /// delta / base × 100 rounded to one decimal half away from zero, computed exactly in integers; null when base is 0.
    /// 75 / 43 → 174.4; 1,622,400.00 / 1,985,800.00 → 81.7.
    /// </summary>
    /// Exact for any wide sums (BigInteger), so no read overflows.
    public static decimal? Percent(Int128 delta, Int128 @base)
    {
        if (@base == 0) return null;
        var numerator = (BigInteger)delta * 1000;
        var divisor = BigInteger.Abs(@base);
        var q = BigInteger.DivRem(BigInteger.Abs(numerator), divisor, out var r);
        if (r * 2 >= divisor) q++;
        var tenths = numerator.Sign * ((BigInteger)@base).Sign < 0 ? -q : q;
        return (decimal)tenths / 10m + 0.0m;
    }

    public static Change Compare(Totals current, Totals @base) => new(
        current.Trades - @base.Trades, Percent(current.Trades - @base.Trades, @base.Trades),
        current.Fen - @base.Fen, Percent(current.Fen - @base.Fen, @base.Fen));

    /// <summary>
    /// The sentence an official reports for a period, e.g. "完成排污权交易118笔，同比增加75笔；交易金额360.82万元，同比增长81.7%".
    /// Amounts in 万元 (10,000 CNY) to two decimals, rounded half away from zero.
    /// </summary>
    public static string Sentence(Totals current, Totals previousYear)
    {
        var change = Compare(current, previousYear);
        var trades = Int128.Sign(change.TradesDelta) switch
        {
            > 0 => $"同比增加{change.TradesDelta}笔",
            < 0 => $"同比减少{-change.TradesDelta}笔",
            _ => "与上年同期持平",
        };
        var amount = change.AmountPct switch
        {
            null => "上年同期无交易",
            > 0 => $"同比增长{change.AmountPct.Value:0.0}%",
            < 0 => $"同比下降{-change.AmountPct.Value:0.0}%",
            _ => "与上年同期持平",
        };
        return $"完成排污权交易{current.Trades}笔，{trades}；交易金额{TenThousandYuan(current.Fen)}万元，{amount}";
    }

    /// <summary>Fen as 万元 with two decimals: 360,820,000 fen → "360.82".</summary>
    public static string TenThousandYuan(Int128 fen)
    {
        var (q, r) = Int128.DivRem(Int128.Abs(fen), 10_000);
        if (r * 2 >= 10_000) q++;
        var sign = fen < 0 ? "-" : "";
        return $"{sign}{q / 100}.{q % 100:D2}";
    }
}

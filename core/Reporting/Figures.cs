using Trading.Core.Primitives;

namespace Trading.Core.Reporting;

public static class Figures
{
    /// <summary>
    /// delta / base × 100 rounded to one decimal half away from zero, computed exactly in integers; null when base is 0.
    /// 75 / 43 → 174.4; 1,622,400.00 / 1,985,800.00 → 81.7.
    /// </summary>
    public static decimal? Percent(long delta, long @base)
    {
        if (@base == 0) return null;
        var numerator = (Int128)delta * 1000;
        var (q, r) = Int128.DivRem(Int128.Abs(numerator), Int128.Abs(@base));
        if (r * 2 >= Int128.Abs(@base)) q++;
        var tenths = (long)q * (Int128.Sign(numerator) * Int128.Sign(@base) < 0 ? -1 : 1);
        return tenths / 10m + 0.0m;
    }

    public static Change Compare(Totals current, Totals @base) => new(
        checked(current.Trades - @base.Trades), Percent(checked(current.Trades - @base.Trades), @base.Trades),
        Money.FromFen(checked(current.Fen - @base.Fen)), Percent(checked(current.Fen - @base.Fen), @base.Fen));

    /// <summary>
    /// The sentence an official reports for a period, e.g. "完成排污权交易118笔，同比增加75笔；交易金额360.82万元，同比增长81.7%".
    /// Amounts in 万元 (10,000 CNY) to two decimals, rounded half away from zero.
    /// </summary>
    public static string Sentence(Totals current, Totals previousYear)
    {
        var change = Compare(current, previousYear);
        var trades = change.TradesDelta switch
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
    public static string TenThousandYuan(long fen)
    {
        var (q, r) = Math.DivRem(Math.Abs(fen), 10_000L);
        if (r * 2 >= 10_000) q++;
        var sign = fen < 0 ? "-" : "";
        return $"{sign}{q / 100}.{q % 100:D2}";
    }
}

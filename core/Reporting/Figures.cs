using Trading.Core.Primitives;

namespace Trading.Core.Reporting;

/// <summary>Trades, grams and fen of some set of trades. Invariant: sums are exact (checked long arithmetic).</summary>
public readonly record struct Totals(long Trades, long Grams, long Fen)
{
    public static Totals Zero => default;

    public Totals Add(Totals other) => new(checked(Trades + other.Trades), checked(Grams + other.Grams), checked(Fen + other.Fen));

    public Totals Minus(Totals other) => new(checked(Trades - other.Trades), checked(Grams - other.Grams), checked(Fen - other.Fen));

    public Quantity Quantity => Quantity.FromGrams(Grams);
    public Money Amount => Money.FromFen(Fen);
}

/// <summary>Change against a base period: deltas, and percentages to one decimal (null on a zero base).</summary>
public sealed record Change(long TradesDelta, decimal? TradesPct, Money AmountDelta, decimal? AmountPct);

/// <summary>One market's figures for one China Standard Time month, and whether that month is closed.</summary>
public sealed record MarketMonth(MarketId Market, ReportingMonth Month, Totals Totals, bool Closed);

/// <summary>The figures of one pollutant in one month, summed over the markets of some region prefix.</summary>
public sealed record PollutantMonth(Pollutant Pollutant, ReportingMonth Month, Totals Totals);

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

/// <summary>One month of a period and the same month a year before.</summary>
public sealed record PeriodMonth(ReportingMonth Month, Totals Current, Totals PreviousYear)
{
    public Change YearOverYear => Figures.Compare(Current, PreviousYear);
}

/// <summary>Aggregated figures of a region prefix over a range of months, with year-over-year comparison.</summary>
public sealed record PeriodFigures(
    RegionPrefix Region,
    ReportingMonth From,
    ReportingMonth To,
    bool Closed,
    Totals Current,
    IReadOnlyList<(Pollutant Pollutant, Totals Totals)> ByPollutant,
    Totals PreviousYear,
    Change YearOverYear,
    Totals? PreviousMonth,
    Change? MonthOverMonth,
    IReadOnlyList<PeriodMonth> Months)
{
    public string Sentence => Figures.Sentence(Current, PreviousYear);
}

public static class Aggregation
{
    public const int MaxMonths = 120;

    /// <summary>
    /// Sums market-months under <paramref name="region"/>: the range, the same range a year before and (for one month) the
    /// month before. <paramref name="closedMonths"/> says which months are closed.
    /// </summary>
    public static PeriodFigures Period(IEnumerable<MarketMonth> rows, RegionPrefix region, ReportingMonth from, ReportingMonth to,
        ISet<ReportingMonth> closedMonths, bool withPreviousMonth) =>
        Period(rows.Where(r => r.Market.Region.IsWithin(region)).Select(r => new PollutantMonth(r.Market.Pollutant, r.Month, r.Totals)),
            region, from, to, closedMonths, withPreviousMonth);

    /// <summary>The same from figures already summed over the region's markets (its rollups).</summary>
    public static PeriodFigures Period(IEnumerable<PollutantMonth> rows, RegionPrefix region, ReportingMonth from, ReportingMonth to,
        ISet<ReportingMonth> closedMonths, bool withPreviousMonth)
    {
        if (from > to) throw new ArgumentException("from is after to", nameof(from));
        var inRegion = rows.ToList();
        Totals Sum(ReportingMonth a, ReportingMonth b) =>
            inRegion.Where(r => r.Month >= a && r.Month <= b).Aggregate(Totals.Zero, (t, r) => t.Add(r.Totals));

        var current = Sum(from, to);
        // The year before, cut to the months that exist (nothing precedes 2000-01): never an overflow at the edges.
        Totals SumYearBefore(ReportingMonth a, ReportingMonth b) => ReportingMonth.Shift(a, b, -12) is (var pa, var pb) ? Sum(pa, pb) : Totals.Zero;
        var previous = SumYearBefore(from, to);
        var byPollutant = Pollutants.All
            .Select(p => (p, inRegion.Where(r => r.Pollutant == p && r.Month >= from && r.Month <= to).Aggregate(Totals.Zero, (t, r) => t.Add(r.Totals))))
            .Where(x => x.Item2.Trades > 0)
            .ToList();
        var closed = true;
        var months = new List<PeriodMonth>();
        foreach (var m in ReportingMonth.Range(from, to))
        {
            closed &= closedMonths.Contains(m);
            months.Add(new PeriodMonth(m, Sum(m, m), SumYearBefore(m, m)));
        }
        Totals? previousMonth = !withPreviousMonth ? null : from.TryAddMonths(-1, out var before) ? Sum(before, before) : Totals.Zero;
        return new PeriodFigures(region, from, to, closed, current, byPollutant, previous, Figures.Compare(current, previous),
            previousMonth, previousMonth is { } pm ? Figures.Compare(current, pm) : null, months);
    }
}

using Trading.Core.Primitives;

namespace Trading.Core.Reporting;

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

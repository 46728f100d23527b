using Trading.Core.Primitives;

namespace Trading.Core.Reporting;

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

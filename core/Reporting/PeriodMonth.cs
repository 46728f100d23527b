using Trading.Core.Primitives;

namespace Trading.Core.Reporting;

/// <summary>One month of a period and the same month a year before.</summary>
public sealed record PeriodMonth(ReportingMonth Month, Totals Current, Totals PreviousYear)
{
    public Change YearOverYear => Figures.Compare(Current, PreviousYear);
}

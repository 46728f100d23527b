using Trading.Core.Primitives;

namespace Trading.Core.Reporting;

/// <summary>The figures of one pollutant in one month, summed over the markets of some region prefix.</summary>
public sealed record PollutantMonth(Pollutant Pollutant, ReportingMonth Month, Totals Totals);

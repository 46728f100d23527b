using Trading.Core.Primitives;

namespace Trading.Core.Alerts;

/// <summary>
/// A firm's measure at one level, as <see cref="EmergencyRules.MeasureOf"/> decided it: the measure, why (in words), and
/// what the plan or rule says (processes, daily output cap and cut with the unit, or the rule's cut in percent), with the
/// emissions saved per day (grams, exact).
/// </summary>
public sealed record FirmMeasure(AlertLevel Level, Measure Measure, string Why, PerformanceGrade GradeInForce, string? Processes = null,
    decimal? DailyOutputCap = null, decimal? DailyOutputCut = null, string? Unit = null, decimal? CutPct = null,
    IReadOnlyDictionary<Pollutant, Quantity>? EmissionCuts = null)
{
    public IReadOnlyDictionary<Pollutant, Quantity> Cuts => EmissionCuts ?? Empty;

    private static readonly IReadOnlyDictionary<Pollutant, Quantity> Empty = new Dictionary<Pollutant, Quantity>();
}

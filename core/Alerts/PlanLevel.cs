using Trading.Core.Primitives;

namespace Trading.Core.Alerts;

/// <summary>
/// A firm's own measure at one level (一厂一策): <see cref="Alerts.Measure.None"/>, <see cref="Alerts.Measure.Limit"/> (which
/// processes, the daily output cap and the cut, in <see cref="Unit"/>) or <see cref="Alerts.Measure.Stop"/>, with the
/// emissions it saves per day (grams per day, exact).
/// </summary>
public sealed record PlanLevel(Measure Measure, string? Processes, decimal? DailyOutputCap, decimal? DailyOutputCut, string? Unit,
    IReadOnlyDictionary<Pollutant, Quantity> EmissionCuts);

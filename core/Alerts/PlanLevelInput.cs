using Trading.Core.Primitives;

namespace Trading.Core.Alerts;

/// <summary>One level of an emergency plan as read from JSON, before validation.</summary>
public sealed class PlanLevelInput
{
    public string? Measure { get; set; }
    public string? Processes { get; set; }
    public decimal? DailyOutputCap { get; set; }
    public decimal? DailyOutputCut { get; set; }
    public string? Unit { get; set; }
    public Dictionary<string, decimal?>? EmissionCuts { get; set; }

    /// <summary>The level, its errors added under <paramref name="field"/> (e.g. <c>orange.dailyOutputCap</c>).</summary>
    public PlanLevel? Validate(string field, FieldErrors errors)
    {
        var before = errors.Count;
        var measure = MeasureNames.TryParsePlan(Measure, out var m) ? m : (Measure?)null;
        if (measure is null) errors.Add(field + ".measure", "is required: none, limit or stop");
        var processes = Processes?.Trim();
        if (processes is { Length: 0 }) processes = null;
        if (processes is { Length: > 200 }) errors.Add(field + ".processes", "has at most 200 characters");
        var unit = Unit?.Trim();
        if (unit is { Length: 0 }) unit = null;
        if (unit is { Length: > 20 }) errors.Add(field + ".unit", "has at most 20 characters");
        if (DailyOutputCap is { } cap && (cap < 0 || cap > 1_000_000_000_000m || decimal.Round(cap, 6) != cap))
            errors.Add(field + ".dailyOutputCap", "is a number from 0 with at most 6 decimals");
        if (DailyOutputCut is { } cut && (cut < 0 || cut > 1_000_000_000_000m || decimal.Round(cut, 6) != cut))
            errors.Add(field + ".dailyOutputCut", "is a number from 0 with at most 6 decimals");
        if (measure == Alerts.Measure.Limit && DailyOutputCap is null && processes is null)
            errors.Add(field + ".dailyOutputCap", "a limit names the processes it limits or the daily output cap");
        if ((DailyOutputCap is not null || DailyOutputCut is not null) && unit is null)
            errors.Add(field + ".unit", "is required with a daily output (e.g. 件, 吨)");
        if (measure is Alerts.Measure.None or Alerts.Measure.Stop && (DailyOutputCap is not null || DailyOutputCut is not null))
            errors.Add(field + ".dailyOutputCap", "only a limit has a daily output cap and cut");
        var cuts = new Dictionary<Pollutant, Quantity>();
        foreach (var (name, value) in EmissionCuts ?? [])
        {
            if (!Pollutants.TryParse(name, out var pollutant) || !AlertSummary.Reported.Contains(pollutant))
                errors.Add(field + ".emissionCuts", $"{name} is not one of {string.Join(", ", AlertSummary.Reported)}");
            else if (value is null) errors.Add(field + ".emissionCuts." + name, "is a number of tonnes per day");
            else if (!Quantity.TryFromTonnes(value.Value, out var q, out var error))
                errors.Add(field + ".emissionCuts." + name, error.Replace(" t/a", " t/day", StringComparison.Ordinal));
            else cuts[pollutant] = q;
        }
        return errors.Count > before || measure is null ? null
            : new PlanLevel(measure.Value, processes, DailyOutputCap, DailyOutputCut, unit, cuts);
    }
}

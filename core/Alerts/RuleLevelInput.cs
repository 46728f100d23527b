namespace Trading.Core.Alerts;

/// <summary>One level of an industry rule as read from JSON, before validation.</summary>
public sealed class RuleLevelInput
{
    public string? Measure { get; set; }
    public decimal? CutPct { get; set; }

    public RuleLevel? Validate(string field, FieldErrors errors)
    {
        if (!MeasureNames.TryParsePlan(Measure, out var measure))
        {
            errors.Add(field + ".measure", "is required: none, limit or stop");
            return null;
        }
        if (measure == Alerts.Measure.Limit && (CutPct is not { } pct || pct <= 0 || pct > 100 || decimal.Round(pct, 2) != pct))
        {
            errors.Add(field + ".cutPct", "a limit cuts a percentage of output, more than 0 and at most 100, with at most 2 decimals");
            return null;
        }
        if (measure != Alerts.Measure.Limit && CutPct is not null)
        {
            errors.Add(field + ".cutPct", "only a limit has a cut percentage");
            return null;
        }
        return new RuleLevel(measure, measure == Alerts.Measure.Limit ? CutPct : null);
    }
}

using Trading.Core.Primitives;

namespace Trading.Core.Alerts;

/// <summary>The body of <c>POST /api/alerts</c> as read from JSON, before validation.</summary>
public sealed class AlertInput
{
    public string? Region { get; set; }
    public string? Level { get; set; }
    public string? StartsAt { get; set; }
    public string? EndsAt { get; set; }
    public string? Reason { get; set; }

    /// <summary>The request: bad fields are a 400 (<see cref="ValidationException"/>); the window's rules are the use case's (422).</summary>
    public AlertRequest Validate()
    {
        var errors = new FieldErrors();
        if (!RegionPrefix.TryParse(Region, out var region, out var regionError)) errors.Add("region", regionError);
        if (!MeasureNames.TryParse(Level, out AlertLevel level)) errors.Add("level", "is yellow, orange or red");
        if (!Timestamps.TryParse(StartsAt, out var startsAt, out var startError)) errors.Add("startsAt", startError);
        if (!Timestamps.TryParse(EndsAt, out var endsAt, out var endError)) errors.Add("endsAt", endError);
        var reason = Reason?.Trim();
        if (string.IsNullOrEmpty(reason)) errors.Add("reason", "is required (e.g. 预计出现重污染天气过程)");
        else if (reason.Length > 500) errors.Add("reason", "has at most 500 characters");
        errors.ThrowIfAny();
        return new AlertRequest(region, level, startsAt, endsAt, reason!);
    }
}

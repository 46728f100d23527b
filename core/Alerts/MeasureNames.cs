namespace Trading.Core.Alerts;

/// <summary>The wire names of measures and levels (lower case: <c>limit</c>, <c>noPlan</c>, <c>orange</c>).</summary>
public static class MeasureNames
{
    public static string Of(Measure measure) => measure switch
    {
        Measure.Self => "self",
        Measure.None => "none",
        Measure.Limit => "limit",
        Measure.Stop => "stop",
        _ => "noPlan",
    };

    public static string Of(AlertLevel level) => level.ToString().ToLowerInvariant();

    public static string Of(AlertStatus status) => status.ToString().ToLowerInvariant();

    /// <summary>A measure a plan or rule may set: none, limit or stop.</summary>
    public static bool TryParsePlan(string? text, out Measure measure)
    {
        measure = text switch { "none" => Measure.None, "limit" => Measure.Limit, "stop" => Measure.Stop, _ => Measure.NoPlan };
        return measure != Measure.NoPlan;
    }

    /// <summary>Any measure a firm can be given (the filter of the measures list).</summary>
    public static bool TryParse(string? text, out Measure measure)
    {
        foreach (var m in Enum.GetValues<Measure>())
        {
            if (Of(m) == text) { measure = m; return true; }
        }
        measure = default;
        return false;
    }

    public static bool TryParse(string? text, out AlertLevel level)
    {
        level = text switch { "yellow" => AlertLevel.Yellow, "orange" => AlertLevel.Orange, "red" => AlertLevel.Red, _ => 0 };
        return level != 0;
    }
}

using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Trading.Core.Primitives;

/// <summary>ISO 8601 timestamps on the wire: an offset is required; a local time without one is bad input.</summary>
public static partial class Timestamps
{
    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:\d{2})$")]
    private static partial Regex IsoWithOffset();

    public static bool TryParse(string? text, out DateTimeOffset value, [NotNullWhen(false)] out string? error)
    {
        value = default;
        if (text is null || !IsoWithOffset().IsMatch(text))
        {
            error = "an ISO 8601 timestamp with an offset is required, e.g. 2024-06-30T23:30:00+08:00";
            return false;
        }
        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out value))
        {
            error = "not a valid date and time";
            return false;
        }
        // Every instant is shown in China time and may fall in a reporting month: none after 9998 (China time) exists here.
        if (value >= ReportingMonth.MaxValue.End)
        {
            value = default;
            error = $"must be before {ReportingMonth.MaxYear + 1}-01-01T00:00:00+08:00";
            return false;
        }
        error = null;
        return true;
    }

    /// <summary>Format used on the wire: China Standard Time with its offset.</summary>
    public static string Format(DateTimeOffset value) =>
        value.ToOffset(ReportingMonth.ChinaOffset).ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz", CultureInfo.InvariantCulture);
}

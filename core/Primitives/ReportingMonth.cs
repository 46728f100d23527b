using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Trading.Core.Primitives;

/// <summary>A calendar month in China Standard Time (UTC+08:00, no daylight saving), years 2000–9998.</summary>
public readonly record struct ReportingMonth : IComparable<ReportingMonth>
{
    public static readonly TimeSpan ChinaOffset = TimeSpan.FromHours(8);
    public const int MinYear = 2000;
    public const int MaxYear = 9998;

    public int Year { get; }
    public int Month { get; }

    public ReportingMonth(int year, int month)
    {
        if (year is < MinYear or > MaxYear) throw new ArgumentOutOfRangeException(nameof(year), year, $"year must be {MinYear}–{MaxYear}");
        if (month is < 1 or > 12) throw new ArgumentOutOfRangeException(nameof(month), month, "month must be 1–12");
        Year = year;
        Month = month;
    }

    /// <summary>The China Standard Time month an instant falls in: 2024-06-30T15:30Z is June 2024.</summary>
    public static ReportingMonth Of(DateTimeOffset instant)
    {
        var local = instant.ToOffset(ChinaOffset);
        return new ReportingMonth(local.Year, local.Month);
    }

    /// <summary>First instant of the month (00:00 +08:00).</summary>
    public DateTimeOffset Start => new(Year, Month, 1, 0, 0, 0, ChinaOffset);

    /// <summary>First instant after the month.</summary>
    public DateTimeOffset End => Next().Start;

    public ReportingMonth Next() => Month == 12 ? new ReportingMonth(Year + 1, 1) : new ReportingMonth(Year, Month + 1);
    public ReportingMonth Previous() => Month == 1 ? new ReportingMonth(Year - 1, 12) : new ReportingMonth(Year, Month - 1);
    public ReportingMonth AddYears(int years) => new(Year + years, Month);

    public ReportingMonth AddMonths(int months)
    {
        var index = Year * 12 + Month - 1 + months;
        return new ReportingMonth(index / 12, index % 12 + 1);
    }

    public static ReportingMonth Parse(string? text) =>
        TryParse(text, out var month, out var error) ? month : throw new FormatException(error);

    public static bool TryParse(string? text, out ReportingMonth month, [NotNullWhen(false)] out string? error)
    {
        month = default;
        if (text is null || text.Length != 7 || text[4] != '-' ||
            !int.TryParse(text.AsSpan(0, 4), NumberStyles.None, CultureInfo.InvariantCulture, out var y) ||
            !int.TryParse(text.AsSpan(5, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var m))
        {
            error = "a month is written yyyy-MM, e.g. 2024-06";
            return false;
        }
        if (m is < 1 or > 12) { error = "the month must be 01–12"; return false; }
        if (y is < MinYear or > MaxYear) { error = $"the year must be {MinYear}–{MaxYear}"; return false; }
        month = new ReportingMonth(y, m);
        error = null;
        return true;
    }

    public int CompareTo(ReportingMonth other) => (Year * 12 + Month).CompareTo(other.Year * 12 + other.Month);
    public static bool operator <(ReportingMonth a, ReportingMonth b) => a.CompareTo(b) < 0;
    public static bool operator >(ReportingMonth a, ReportingMonth b) => a.CompareTo(b) > 0;
    public static bool operator <=(ReportingMonth a, ReportingMonth b) => a.CompareTo(b) <= 0;
    public static bool operator >=(ReportingMonth a, ReportingMonth b) => a.CompareTo(b) >= 0;

    public override string ToString() => $"{Year:D4}-{Month:D2}";
}

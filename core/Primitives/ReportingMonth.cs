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

    /// <summary>The first month there is: 2000-01.</summary>
    public static readonly ReportingMonth MinValue = new(MinYear, 1);

    /// <summary>The last month there is: 9998-12.</summary>
    public static readonly ReportingMonth MaxValue = new(MaxYear, 12);

    /// <summary>First instant of the month (00:00 +08:00).</summary>
    public DateTimeOffset Start => new(Year, Month, 1, 0, 0, 0, ChinaOffset);

    /// <summary>First instant after the month (for 9998-12, 9999-01-01 00:00 +08:00: an instant, not a month).</summary>
    public DateTimeOffset End => Month == 12 ? new(Year + 1, 1, 1, 0, 0, 0, ChinaOffset) : new(Year, Month + 1, 1, 0, 0, 0, ChinaOffset);

    /// <summary>The month after; throws after <see cref="MaxValue"/> (use <see cref="TryAddMonths"/> near the edges).</summary>
    public ReportingMonth Next() => AddMonths(1);

    /// <summary>The month before; throws before <see cref="MinValue"/> (use <see cref="TryAddMonths"/> near the edges).</summary>
    public ReportingMonth Previous() => AddMonths(-1);

    public ReportingMonth AddYears(int years) => AddMonths((long)years * 12);

    public ReportingMonth AddMonths(long months) =>
        TryAddMonths(months, out var result) ? result
            : throw new ArgumentOutOfRangeException(nameof(months), months, $"{this} moved by {months} month(s) is outside {MinValue}–{MaxValue}");

    /// <summary>The month <paramref name="months"/> later (earlier when negative); false when that is outside 2000-01–9998-12.</summary>
    public bool TryAddMonths(long months, out ReportingMonth result)
    {
        // Read before result is written: result may be this very month (m.TryAddMonths(1, out m)).
        var (year, month) = (Year, Month);
        result = default;
        if (month is < 1 or > 12 || months is > MonthCount or < -MonthCount) return false; // default(ReportingMonth) is no month
        var index = year * 12L + (month - 1) + months;
        if (index is < MinYear * 12L or > MaxYear * 12L + 11) return false;
        result = new ReportingMonth((int)(index / 12), (int)(index % 12) + 1);
        return true;
    }

    /// <summary>How many months there are, 2000-01 to 9998-12: no step longer than that lands on one.</summary>
    private const long MonthCount = (MaxYear - MinYear + 1) * 12L;

    /// <summary>Every month from <paramref name="from"/> to <paramref name="to"/>, both included; none when from is after to.</summary>
    public static IEnumerable<ReportingMonth> Range(ReportingMonth from, ReportingMonth to)
    {
        for (var m = from; m <= to; )
        {
            yield return m;
            if (!m.TryAddMonths(1, out m)) yield break;
        }
    }

    /// <summary>
    /// The range <paramref name="from"/>..<paramref name="to"/> moved by <paramref name="months"/> (the year before: -12) and
    /// cut to the months that exist; null when none of it does (the year before 2000-01). No month before 2000 holds anything.
    /// </summary>
    public static (ReportingMonth From, ReportingMonth To)? Shift(ReportingMonth from, ReportingMonth to, long months)
    {
        if (months is > MonthCount or < -MonthCount) return null;
        var a = Math.Max(from.Year * 12L + from.Month - 1 + months, MinYear * 12L);
        var b = Math.Min(to.Year * 12L + to.Month - 1 + months, MaxYear * 12L + 11);
        if (a > b) return null;
        return (new ReportingMonth((int)(a / 12), (int)(a % 12) + 1), new ReportingMonth((int)(b / 12), (int)(b % 12) + 1));
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

using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Trading.Core.Primitives;
using Trading.Core.Writes;

namespace Trading.Core.Alerts;

/// <summary>
/// A heavy-pollution alert (重污染天气预警) over a region prefix and a time window: scheduled before <see cref="StartsAt"/>,
/// active until <see cref="EndsAt"/> or until lifted, then ended. Numbered within its region's partition of the alerts book;
/// its id is <c>{region}-A{number}</c>, so a GET by id is one point read.
/// </summary>
public sealed record Alert(RegionPrefix Region, long Number, AlertLevel Level, DateTimeOffset StartsAt, DateTimeOffset EndsAt, string Reason,
    string DeclaredBy, DateTimeOffset DeclaredAt, DateTimeOffset? LiftedAt, string? LiftedBy, AlertNotices Notices) : IRow
{
    /// <summary>The longest an alert may last.</summary>
    public static readonly TimeSpan MaxDuration = TimeSpan.FromDays(30);

    public string Id => IdOf(Region, Number);

    public string RowId => RowIdOf(Number);

    public bool Lifted => LiftedAt is not null;

    public static string IdOf(RegionPrefix region, long number) => region.Value + "-A" + number.ToString(CultureInfo.InvariantCulture);

    public static string RowIdOf(long number) => "A" + number.ToString("D10", CultureInfo.InvariantCulture);

    public static bool TryParseId(string? text, out RegionPrefix region, out long number)
    {
        region = default;
        number = 0;
        var dash = text?.IndexOf("-A", StringComparison.Ordinal) ?? -1;
        return dash > 0 && RegionPrefix.TryParse(text![..dash], out region, out _)
            && long.TryParse(text[(dash + 2)..], NumberStyles.None, CultureInfo.InvariantCulture, out number) && number > 0
            && IdOf(region, number) == text;
    }

    public AlertStatus StatusAt(DateTimeOffset now) =>
        Lifted || now >= EndsAt ? AlertStatus.Ended : now < StartsAt ? AlertStatus.Scheduled : AlertStatus.Active;

    /// <summary>When the alert ends: its end, or when it was lifted if that was earlier.</summary>
    public DateTimeOffset EffectiveEnd => LiftedAt is { } lifted && lifted < EndsAt ? lifted : EndsAt;

    /// <summary>Whether the alert reaches a firm registered in <paramref name="region"/>.</summary>
    public bool Covers(RegionCode region) => region.Value.StartsWith(Region.Value, StringComparison.Ordinal);

    /// <summary>Whether two alerts' regions overlap (one covers the other).</summary>
    public bool Overlaps(RegionPrefix prefix) => Region.Covers(prefix) || prefix.Covers(Region);

    public TResult Accept<TResult>(IRowVisitor<TResult> visitor) => visitor.Visit(this);

    [ExcludeFromCodeCoverage]
    public override string ToString() => $"{Id} {Level} {StartsAt:O}..{EndsAt:O}";
}

using System.Globalization;

namespace Trading.Core.Writes;

/// <summary>
/// One event as written in the change's own transaction (numbered per partition by the head's event count), copied to
/// the queue and the recipient's inbox afterwards, exactly once. <see cref="Id"/> sorts by time and is unique across
/// partitions (<see cref="IdOf"/>); <see cref="Data"/> is the resource as rendered for the recipient (JSON).
/// </summary>
public sealed record EventRecord(string Partition, long Number, string Id, string Type, string Recipient, DateTimeOffset At, string Data) : IRow
{
    public TResult Accept<TResult>(IRowVisitor<TResult> visitor) => visitor.Visit(this);

    /// <summary><c>{ticks:D19}-{partition}-{number:D12}</c>: sorts by time, unique, and safe as a table row key.</summary>
    public static string IdOf(DateTimeOffset at, string partition, long number) =>
        string.Create(CultureInfo.InvariantCulture, $"{at.UtcTicks:D19}-{partition}-{number:D12}");
}

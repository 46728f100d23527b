using Trading.Core.Ledger;
using Trading.Core.Writes;

namespace Trading.Core.Registers;

/// <summary>
/// The rows of one partition of a register a use case read, each with its version: the head, the items asked for (an
/// absent item has a null version) and the caller's idempotency row.
/// </summary>
public sealed record RegisterSnapshot<TItem>(string Partition) : ISnapshot where TItem : class
{
    public Versioned<RegisterHead> Head { get; init; } = new(RegisterHead.Empty, null);
    public IReadOnlyDictionary<string, Versioned<TItem>> Items { get; init; } = new Dictionary<string, Versioned<TItem>>(StringComparer.Ordinal);
    public IdempotencyRecord? Idempotency { get; init; }
    public string? IdempotencyVersion { get; init; }

    /// <summary>The item as read (version null when absent); throws when the use case did not ask for it.</summary>
    public Versioned<TItem> Read(string id) =>
        Items.TryGetValue(id, out var item) ? item : throw new InvalidOperationException($"{id} was not read");

    /// <summary>The item, or null when it does not exist.</summary>
    public TItem? Find(string id) => Read(id) is { Exists: true } found ? found.Value : null;

    IHead ISnapshot.CurrentHead => Head.Value;
    string? ISnapshot.HeadVersion => Head.Version;
}

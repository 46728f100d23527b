using Trading.Core.Ledger;

namespace Trading.Core.Writes;

/// <summary>
/// The storage port of one book (markets, banks' books, keys, ...): load rows of one partition with their versions,
/// commit changes to one partition as one all-or-nothing transaction under If-Match.
/// </summary>
public interface IPartitionRows<TReads, TSnapshot>
{
    /// <summary>Reads of the head alone (to check that two load steps saw one moment).</summary>
    TReads HeadOnly { get; }

    /// <summary>
    /// Loads the head and the rows of <paramref name="reads"/> not already in <paramref name="loaded"/>, and the caller's
    /// idempotency row when <paramref name="callerKeyHash"/> is given.
    /// </summary>
    Task<TSnapshot> LoadAsync(string partition, TReads reads, string? callerKeyHash, TSnapshot? loaded, CancellationToken ct);

    /// <summary>True when every row of <paramref name="reads"/> is in <paramref name="snapshot"/>.</summary>
    bool Covers(TSnapshot snapshot, TReads reads);

    /// <summary>Every row of both.</summary>
    TReads Union(TReads first, TReads second);

    /// <summary>Commits every change or none; false when another writer changed a row since it was read (load again).</summary>
    Task<bool> TryCommitAsync(string partition, IReadOnlyList<RowChange> changes, CancellationToken ct);
}

using Trading.Core.Primitives;

namespace Trading.Core.Ledger;

/// <summary>
/// The one storage port of the ledger's writes: load rows of one market (with their versions), commit changes to one
/// market as one all-or-nothing transaction under If-Match.
/// </summary>
public interface IMarketRows
{
    /// <summary>
    /// Loads the head and the rows of <paramref name="reads"/> not already in <paramref name="loaded"/>, the caller's
    /// idempotency record when <paramref name="callerKeyHash"/> is given, and which of the months are closed or closing.
    /// </summary>
    Task<MarketSnapshot> LoadAsync(MarketId market, MarketReads reads, string? callerKeyHash, MarketSnapshot? loaded, CancellationToken ct);

    /// <summary>Commits every change or none; false when another writer changed a row since it was read (load again).</summary>
    Task<bool> TryCommitAsync(MarketId market, IReadOnlyList<RowChange> changes, CancellationToken ct);
}

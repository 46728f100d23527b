namespace Trading.Core.Writes;

/// <summary>The steps of one write around its commit (see <see cref="IWriteHooks"/>).</summary>
public interface IWriteEffects
{
    /// <summary>Before each commit attempt: index rows and pending marks, so a committed row is never missing from them.</summary>
    Task BeforeCommitAsync(IReadOnlyList<Ledger.RowChange> changes, CancellationToken ct);

    /// <summary>After the commit; a storage fault here must not turn the true answer into an error (the implementation logs it).</summary>
    Task AfterCommitAsync(string action, IReadOnlyList<Ledger.RowChange> changes, CancellationToken ct);
}

namespace Trading.Core.Writes;

/// <summary>
/// What a book does around the shell's loop that no single partition can hold: indexes and pending marks written before
/// the commit, copies and counters started after it, and telemetry (port; infra implements it per book).
/// </summary>
public interface IWriteHooks
{
    /// <summary>A span around one write (null when nobody listens).</summary>
    IDisposable? Trace(string action, string partition);

    /// <summary>The steps of one write, which may keep state across its attempts (a pending mark renewed, not rewritten).</summary>
    IWriteEffects Start(string partition);

    /// <summary>A lost race: the write loads and decides again.</summary>
    void Retried(string action);
}

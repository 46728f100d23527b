using Trading.Core.Ledger;
using Trading.Core.Writes;

namespace Trading.Core.Tests.Support;

/// <summary>A book with nothing around its commits (no indexes, no marks): the shell alone.</summary>
public sealed class NoHooks : IWriteHooks, IWriteEffects
{
    public static NoHooks Instance { get; } = new();

    public IDisposable? Trace(string action, string partition) => null;
    public IWriteEffects Start(string partition) => this;
    public void Retried(string action) { }
    public Task BeforeCommitAsync(IReadOnlyList<RowChange> changes, CancellationToken ct) => Task.CompletedTask;
    public Task AfterCommitAsync(string action, IReadOnlyList<RowChange> changes, CancellationToken ct) => Task.CompletedTask;
}

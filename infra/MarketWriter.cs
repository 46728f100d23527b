using Trading.Core.Access;
using Trading.Core.Ledger;
using Trading.Core.Writes;

namespace Trading.Infra;

/// <summary>
/// Market writes: every <see cref="IMarketUseCase{T}"/> runs through the one <see cref="WriteShell{TReads,TSnapshot}"/> on
/// the ledger's port (<see cref="TableMarketRows"/>) with the markets' hooks (<see cref="MarketHooks"/>); events are
/// rendered by <paramref name="events"/>.
/// </summary>
public sealed class MarketWriter(TableMarketRows rows, KeyBindings bindings, MarketHooks hooks, TimeProvider time, IEventRenderer events)
{
    /// <summary>How many times a market write is tried before the caller gets 503 (nothing written).</summary>
    public const int MaxAttempts = WriteShell<MarketReads, MarketSnapshot>.MaxAttempts;

    private readonly WriteShell<MarketReads, MarketSnapshot> _shell = new(KeyBindings.Ledger, rows, bindings, hooks, time, events);

    public Task<WriteOutcome<T>> ExecuteAsync<T>(IMarketUseCase<T> useCase, Principal caller, string? idempotencyKey, Func<T, string> render,
        string? traceId, CancellationToken ct) => _shell.ExecuteAsync(useCase, caller, idempotencyKey, render, traceId, ct);
}

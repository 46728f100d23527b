using Trading.Core.Access;
using Trading.Core.Ledger;
using Trading.Core.Writes;

namespace Trading.Core.Tests.Support;

/// <summary>
/// A use case run through the real shell on an in-memory port, answered as a decision (what the tests read): a replay
/// carries the stored idempotency record, a write what was committed, else the unchanged answer. The context's
/// <see cref="UseCaseContext.CallerKeyHash"/> is used as the caller's key.
/// </summary>
public static class ShellRun
{
    public static Decision<T> Run<TReads, TSnapshot, T>(string book, IPartitionRows<TReads, TSnapshot> rows, IKeyBindings bindings,
        IUseCase<TReads, TSnapshot, T> useCase, UseCaseContext context, Func<IReadOnlyList<RowChange>> committed, Func<IEnumerable<IdempotencyRecord>> records)
        where TSnapshot : class, ISnapshot
    {
        var shell = new WriteShell<TReads, TSnapshot>(book, rows, bindings, NoHooks.Instance, new FixedTime(context.Now), TestEvents.Renderer);
        var outcome = shell.ExecuteAsync(useCase, context.Caller, context.CallerKeyHash, _ => "answer", context.TraceId, CancellationToken.None)
            .GetAwaiter().GetResult();
        if (outcome.Replayed) return Decision<T>.Replay(records().Single(r => r.ResourceId == outcome.ResourceId && !r.IsFence));
        var changes = committed();
        if (changes.Count == 0) return Decision<T>.Unchanged(outcome.Answer!);
        return new Decision<T>(outcome.Answer, changes, changes.Select(c => c.Row).OfType<IHead>().Single(), []) { ResourceId = outcome.ResourceId };
    }
}

using Trading.Core.Access;
using Trading.Core.Ledger;

namespace Trading.Core.Writes;

/// <summary>
/// The one loop that runs every write of every book: load the snapshot through the port (in steps when what the use
/// case needs depends on what it found), decide (pure, <see cref="UseCaseRunner"/>), commit the decision as one partition
/// transaction under If-Match, and on a lost race load and decide again, a bounded number of times (503 after that,
/// nothing written). Around it, what no single partition holds: the caller's idempotency key is bound across partitions
/// before the first commit (unbound again when the request is refused), and the book's hooks write index rows and
/// pending marks before the commit and start copies after it. Writes to one partition from this instance queue on a lock,
/// so only other instances race. Depends only on ports: it runs unchanged on an in-memory store in core tests.
/// </summary>
public sealed class WriteShell<TReads, TSnapshot>(string book, IPartitionRows<TReads, TSnapshot> rows, IKeyBindings bindings, IWriteHooks hooks,
    TimeProvider time, IEventRenderer? events = null)
    where TSnapshot : class, ISnapshot
{
    /// <summary>How many times a write is tried before the caller gets 503 (nothing written).</summary>
    public const int MaxAttempts = 40;

    private readonly KeyedLock _locks = new();

    /// <summary>The book's name (the key binding names it, to find the partition a bound key committed in).</summary>
    public string Book { get; } = book;

    public async Task<WriteOutcome<T>> ExecuteAsync<T>(IUseCase<TReads, TSnapshot, T> useCase, Principal caller, string? idempotencyKey,
        Func<T, string> render, string? traceId, CancellationToken ct)
    {
        var partition = useCase.Partition;
        using var span = hooks.Trace(useCase.Action, partition);
        var fingerprint = useCase.Fingerprint;
        if ((fingerprint is null) != (idempotencyKey is null))
            throw new InvalidOperationException(fingerprint is null ? $"{useCase.Action} is idempotent by state" : $"{useCase.Action} needs an Idempotency-Key");
        var callerKeyHash = idempotencyKey is null ? null : Hashing.Sha256Hex(caller.Id + "\n" + idempotencyKey);
        // The key's binding across partitions is read while the partition's rows load.
        var bindingTask = callerKeyHash is null ? Task.FromResult<KeyBinding?>(null) : bindings.FindAsync(callerKeyHash, fingerprint!, ct);
        KeyBinding? binding = null;
        string? token = null;
        var boundHere = false;
        var effects = hooks.Start(partition);

        using var partitionLock = await _locks.AcquireAsync(Book + "|" + partition, ct);
        for (var attempt = 1; ; attempt++)
        {
            var context = new UseCaseContext(caller, time.GetUtcNow(), callerKeyHash, traceId, token);
            Decision<T> decision;
            try
            {
                // The first load leaves out the caller's idempotency row: a key never bound (the usual case) was never
                // committed under, so the partition holds none; when the key is bound, the row is read once that is known.
                // (Should a row be there all the same, the commit adds it and fails, and the next attempt reads it.)
                var (snapshot, reads) = await LoadAsync(useCase, context, attempt == 1 ? null : callerKeyHash, ct);
                if (attempt == 1 && callerKeyHash is not null)
                {
                    binding = await bindingTask;
                    token = binding is { Mine: true } mine ? mine.Token : NewToken();
                    context = context with { BindingToken = token };
                    if (binding is not null) snapshot = await rows.LoadAsync(partition, reads, callerKeyHash, snapshot, ct);
                }
                var keyRowRead = attempt > 1 || binding is not null || callerKeyHash is null;
                try
                {
                    decision = UseCaseRunner.Run(useCase, snapshot, context, events);
                }
                catch (DomainException) when (!keyRowRead)
                {
                    decision = null!;
                }
                // Nothing to write, or refused, without the key's row read: the key may have been bound and committed under
                // since its binding was looked up (a duplicate sent at once), so the answer is that replay: read it and decide again.
                if (!keyRowRead && decision is null or { WritesNothing: true })
                {
                    snapshot = await rows.LoadAsync(partition, reads, callerKeyHash, snapshot, ct);
                    decision = UseCaseRunner.Run(useCase, snapshot, context, events);
                }
            }
            catch (DomainException) when (boundHere)
            {
                // Refused after a lost race: the key was bound for nothing and is freed again.
                await bindings.UnbindAsync(binding!, ct);
                throw;
            }
            if (decision.Replayed is { } replay)
                return new WriteOutcome<T>(default, replay.Answer ?? "", Replayed: true, replay.ResourceId);
            if (decision.WritesNothing)
                return new WriteOutcome<T>(decision.Answer, render(decision.Answer!), Replayed: false, decision.ResourceId);

            var body = decision.Answer is null ? null : render(decision.Answer);
            decision = UseCaseRunner.WithAnswer(decision, body);
            // The book's marks and index rows, and the key's binding, are written before the commit; none depends on another.
            var before = effects.BeforeCommitAsync(decision.Changes, ct);
            try
            {
                if (callerKeyHash is not null && decision.Refusal is null && binding is not { Mine: true })
                    (binding, boundHere) = await bindings.BindAsync(caller, callerKeyHash, fingerprint!, Book, partition, token!, binding, ct);
            }
            finally
            {
                // Never left running unobserved; a failure there is the request's failure unless another one came first.
                await before.ContinueWith(_ => { }, TaskScheduler.Default);
            }
            await before;
            if (await rows.TryCommitAsync(partition, decision.Changes, ct))
            {
                await effects.AfterCommitAsync(useCase.Action, decision.Changes, ct);
                if (decision.Refusal is { } refusal)
                {
                    if (boundHere) await bindings.UnbindAsync(binding!, ct);
                    throw refusal;
                }
                return new WriteOutcome<T>(decision.Answer, body!, Replayed: false, decision.ResourceId);
            }
            if (attempt >= MaxAttempts)
            {
                if (boundHere) await bindings.UnbindAsync(binding!, ct);
                throw new UnavailableException($"{partition} is too busy; nothing was recorded. Retry (with the same Idempotency-Key).");
            }
            hooks.Retried(useCase.Action);
            var backoff = Math.Min(200, 5 * attempt);
            await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(backoff / 2, backoff + 1)), ct);
        }
    }

    /// <summary>
    /// Loads what the use case reads; more steps when what it needs depends on what it found (a proposal's parties).
    /// Rows of two steps must be of one moment: every change to a partition writes its head, so the head's version read
    /// again after the last step, if unchanged, proves nothing was committed in between; otherwise the load starts over.
    /// </summary>
    private async Task<(TSnapshot Snapshot, TReads Reads)> LoadAsync<T>(IUseCase<TReads, TSnapshot, T> useCase, UseCaseContext context, string? callerKeyHash,
        CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            var reads = useCase.ReadsOf(null, context);
            var snapshot = await rows.LoadAsync(useCase.Partition, reads, callerKeyHash, null, ct);
            var steps = 0;
            for (; steps < 3; steps++)
            {
                var more = useCase.ReadsOf(snapshot, context);
                if (rows.Covers(snapshot, more)) break;
                snapshot = await rows.LoadAsync(useCase.Partition, reads = rows.Union(reads, more), callerKeyHash, snapshot, ct);
            }
            if (steps == 0) return (snapshot, reads);
            var head = await rows.LoadAsync(useCase.Partition, rows.HeadOnly, null, null, ct);
            if (head.HeadVersion == snapshot.HeadVersion || attempt >= MaxAttempts) return (snapshot, reads);
            hooks.Retried(useCase.Action);
        }
    }

    private static string NewToken() => Guid.NewGuid().ToString("N");
}

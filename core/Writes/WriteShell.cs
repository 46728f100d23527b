using Trading.Core.Access;
using Trading.Core.Ledger;

namespace Trading.Core.Writes;

/// <summary>
/// The one loop that runs every write of every book: load the snapshot through the port (in steps when what the use
/// case needs depends on what it found), decide (pure, <see cref="UseCaseRunner"/>), commit the decision as one partition
/// transaction under If-Match, and on a lost race load and decide again, a bounded number of times (503 after that,
/// nothing written). Around it, what no single partition holds: the caller's idempotency key is claimed across partitions
/// while the partition loads (released again when the request is refused), and the book's hooks write index rows and
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
        var token = callerKeyHash is null ? null : NewToken();
        // The key is claimed across partitions while the partition's rows load (an insert; a refusal releases it again).
        var claim = Claim();
        KeyBinding? binding = null;
        var hold = Hold.None;
        var effects = hooks.Start(partition);

        var commitTried = false;
        try
        {
            using var partitionLock = await _locks.AcquireAsync(Book + "|" + partition, ct);
            for (var attempt = 1; ; attempt++)
            {
                var context = new UseCaseContext(caller, time.GetUtcNow(), callerKeyHash, traceId, token);
                Decision<T> decision;
                try
                {
                    // The first load leaves out the caller's idempotency row: a key this request claimed was never bound, so
                    // never committed under, and the partition holds none; when the key was bound, the row is read once that
                    // is known. (Should a row be there all the same, the commit adds it and fails, and the next attempt reads it.)
                    var (snapshot, reads) = await LoadAsync(useCase, context, attempt == 1 ? null : callerKeyHash, ct);
                    if (claim is not null)
                    {
                        (binding, var made) = await claim;
                        claim = null;
                        hold = made ? Hold.Claimed : binding.Mine ? Hold.Found : Hold.Abandoned;
                        if (binding.Mine) token = binding.Token;
                        context = context with { BindingToken = token };
                        if (!made && attempt == 1) snapshot = await rows.LoadAsync(partition, reads, callerKeyHash, snapshot, ct);
                    }
                    var keyRowRead = attempt > 1 || hold != Hold.Claimed;
                    try
                    {
                        decision = UseCaseRunner.Run(useCase, snapshot, context, events);
                    }
                    catch (DomainException) when (!keyRowRead)
                    {
                        decision = null!;
                    }
                    // Nothing to write, or refused, without the key's row read: another request with the same key and body may
                    // have adopted this request's binding and committed since (a duplicate sent at once), so the answer is that
                    // replay: read it and decide again.
                    if (!keyRowRead && decision is null or { WritesNothing: true })
                    {
                        snapshot = await rows.LoadAsync(partition, reads, callerKeyHash, snapshot, ct);
                        decision = UseCaseRunner.Run(useCase, snapshot, context, events);
                    }
                }
                catch (DomainException)
                {
                    // Refused: the key is released again (a refusal writes nothing).
                    await ReleaseAsync(ct);
                    throw;
                }
                if (decision.Replayed is { } replay)
                    return new WriteOutcome<T>(default, replay.Answer ?? "", Replayed: true, replay.ResourceId);
                if (decision.WritesNothing)
                {
                    await ReleaseAsync(ct);
                    return new WriteOutcome<T>(decision.Answer, render(decision.Answer!), Replayed: false, decision.ResourceId);
                }

                var body = decision.Answer is null ? null : render(decision.Answer);
                decision = UseCaseRunner.WithAnswer(decision, body);
                // The book's marks and index rows, and the key's binding when another request made it, are written before the
                // commit; none depends on another.
                var before = effects.BeforeCommitAsync(decision.Changes, ct);
                var claimAgain = false;
                try
                {
                    if (decision.Refusal is null && hold == Hold.Found)
                    {
                        // Adopted by writing it: its maker, if refused, then leaves it (this request may commit under it).
                        if (await bindings.AdoptAsync(binding!, ct) is { } adopted) (binding, hold) = (adopted, Hold.Written);
                        else claimAgain = true;
                    }
                    else if (decision.Refusal is null && hold == Hold.Abandoned)
                    {
                        // Taken over (its partition fenced first); a binding taken by another request meanwhile is claimed again.
                        var (taken, made) = await bindings.BindAsync(caller, callerKeyHash!, fingerprint!, Book, partition, token!, binding, ct);
                        if (made) (binding, hold) = (taken, Hold.Written);
                        else claimAgain = true;
                    }
                }
                finally
                {
                    // Never left running unobserved; a failure there is the request's failure unless another one came first.
                    await before.ContinueWith(_ => { }, TaskScheduler.Default);
                }
                try
                {
                    await before;
                }
                catch (DomainException)
                {
                    // Refused by a hook before the commit (a month whose close began meanwhile, decision 0013): nothing was
                    // committed, so the key is released as for any refusal.
                    await ReleaseAsync(ct);
                    throw;
                }
                if (claimAgain && attempt < MaxAttempts)
                {
                    // The binding changed between its read and this write (released, adopted or taken over): claim the key again.
                    (token, binding, hold) = (NewToken(), null, Hold.None);
                    claim = Claim();
                    continue;
                }
                if (!claimAgain)
                {
                    commitTried = true;
                    if (await rows.TryCommitAsync(partition, decision.Changes, ct))
                    {
                        await effects.AfterCommitAsync(useCase.Action, decision.Changes, ct);
                        if (decision.Refusal is { } refusal)
                        {
                            await ReleaseAsync(ct);
                            throw refusal;
                        }
                        return new WriteOutcome<T>(decision.Answer, body!, Replayed: false, decision.ResourceId);
                    }
                }
                if (attempt >= MaxAttempts)
                {
                    await ReleaseAsync(ct);
                    throw new UnavailableException($"{partition} is too busy; nothing was recorded. Retry (with the same Idempotency-Key).");
                }
                hooks.Retried(useCase.Action);
                var backoff = Math.Min(200, 5 * attempt);
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(backoff / 2, backoff + 1)), ct);
            }
        }
        catch (Exception ex) when (ex is not DomainException && !commitTried)
        {
            // Failed before any commit was tried (storage, cancellation): nothing was committed under a key this request
            // claimed, so the claim is released (best effort: if that fails too, a retry with the same key and body adopts it).
            try
            {
                if (hold != Hold.Written) await ReleaseAsync(CancellationToken.None);
            }
            catch (Exception)
            {
                // The storage fault that failed the request, most likely: the request's own failure is what it answers.
            }
            throw;
        }

        Task<(KeyBinding Binding, bool Made)>? Claim() =>
            callerKeyHash is null ? null : bindings.ClaimAsync(caller, callerKeyHash, fingerprint!, Book, partition, token!, ct);

        // A binding this request claimed is removed unless another request adopted it; one it wrote over (adopted or taken
        // over) is marked free; one it only read is left as it is. A claim still under way (refused while loading) is awaited.
        async Task ReleaseAsync(CancellationToken releaseCt)
        {
            if (claim is not null)
            {
                try
                {
                    var (claimed, made) = await claim;
                    if (made) (binding, hold) = (claimed, Hold.Claimed);
                }
                catch (DomainException)
                {
                    // Bound to another request: nothing was claimed.
                }
                claim = null;
            }
            if (hold == Hold.Claimed) await bindings.ReleaseAsync(binding!, releaseCt);
            else if (hold == Hold.Written) await bindings.UnbindAsync(binding!, releaseCt);
        }
    }

    /// <summary>What this request holds of its key's binding.</summary>
    private enum Hold
    {
        /// <summary>No key, or not known yet.</summary>
        None,
        /// <summary>Claimed by this request's insert: the key was never bound before.</summary>
        Claimed,
        /// <summary>Made by another request with the same key and body: adopted (written) before this request commits.</summary>
        Found,
        /// <summary>Another request's binding, abandoned: taken over (written) before this request commits.</summary>
        Abandoned,
        /// <summary>Adopted or taken over by this request.</summary>
        Written,
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

using Trading.Core.Writes;

namespace Trading.Core.Ledger;

/// <summary>
/// Runs a use case on a snapshot, pure. The order is fixed here, once for every use case of every book: idempotency
/// first (the same key and request replays the first answer, the same key with another request is 422, a fence that does
/// not admit this request's binding refuses it), then the use case's own rules; then the audit records of what it changed
/// and its idempotency record join its changes, in the same transaction, and the head counts the audit records; so do its
/// events (rows numbered by the head's event count, data rendered by the shell's <see cref="IEventRenderer"/>). A refusal
/// writes nothing, so the key stays unbound.
/// </summary>
public static class UseCaseRunner
{
    public static Decision<T> Run<TReads, TSnapshot, T>(IUseCase<TReads, TSnapshot, T> useCase, TSnapshot snapshot, UseCaseContext context,
        IEventRenderer? events = null)
        where TSnapshot : ISnapshot
    {
        var fingerprint = useCase.Fingerprint;
        var fence = snapshot.Idempotency is { IsFence: true } f ? f : null;
        if (fingerprint is not null)
        {
            if (context.CallerKeyHash is null) throw new InvalidOperationException($"{useCase.Action} creates something: it runs under an idempotency key");
            if (fence is not null && !fence.Admits(context.BindingToken)) throw KeyTakenOver();
            if (snapshot.Idempotency is { IsFence: false } seen)
                return seen.Fingerprint == fingerprint ? Decision<T>.Replay(seen) : throw KeyReused();
        }

        Decision<T> decision;
        try
        {
            decision = useCase.Decide(snapshot, context);
        }
        catch (OverflowException)
        {
            // Checked arithmetic in a rule (a holding, a head's count, a sum) would pass what a long holds: the write is
            // refused whole, never answered 500 (api.md: 422 on the write that would overflow, nothing written).
            throw new RuleViolationException($"{useCase.Action} would take a quantity, count or sum past what the ledger can hold; nothing was written.",
                "Too large for the ledger.");
        }
        if (decision.WritesNothing) return decision;
        if (decision.Audit.Count == 0) throw new InvalidOperationException($"{useCase.Action} changes its book without an audit record");

        // A head written among the changes (a bank's counters) is the decision's head.
        var changes = new List<RowChange>(decision.Changes.Where(c => c.Row is not IHead));
        var head = decision.Head ?? decision.Changes.Select(c => c.Row).OfType<IHead>().LastOrDefault() ?? snapshot.CurrentHead;
        var number = head.AuditCount;
        foreach (var entry in decision.Audit)
            changes.Add(RowChange.New(new AuditRecord(useCase.Partition, ++number, entry.Action, entry.Subject, context.Caller.Id, context.Now,
                context.TraceId, null)));
        head = head.WithAuditCount(number);
        // Events are rows of the same transaction, numbered by the head: a replay or a decision that writes nothing sends none.
        if (decision.Events.Count > 0)
        {
            if (events is null) throw new InvalidOperationException($"{useCase.Action} sends events, and its shell has no event renderer");
            var n = head.EventCount;
            foreach (var e in decision.Events)
            {
                n = checked(n + 1);
                changes.Add(RowChange.New(new EventRecord(useCase.Partition, n, EventRecord.IdOf(context.Now, useCase.Partition, n), e.Type, e.Recipient,
                    context.Now, events.Render(e))));
            }
            head = head.WithEventCount(n);
        }
        changes.Add(new RowChange(head, snapshot.HeadVersion));
        // A refused request (that still ends something, as an expired offer) leaves its key unbound.
        if (fingerprint is not null && decision.Refusal is null)
        {
            var resource = decision.ResourceId ?? throw new InvalidOperationException($"{useCase.Action} names no created resource");
            // Over a fence that admits this request (a takeover), under If-Match; else created (fails if another request committed).
            changes.Add(new RowChange(new IdempotencyRecord(context.CallerKeyHash!, fingerprint, resource, null), fence is null ? null : snapshot.IdempotencyVersion));
        }
        return decision with { Changes = changes, Head = head };
    }

    /// <summary>Puts the answer the caller gets (as rendered) into the idempotency record and the audit records.</summary>
    public static Decision<T> WithAnswer<T>(Decision<T> decision, string? answer) => decision with
    {
        Changes = decision.Changes.Select(c => c.Row switch
        {
            IdempotencyRecord r => c with { Row = r with { Answer = answer ?? "" } },
            AuditRecord a => c with { Row = a with { Details = answer } },
            _ => c,
        }).ToList(),
    };

    public static RuleViolationException KeyReused() => new(
        "This Idempotency-Key was already used with a different request. Use a new key for a new request.",
        "Idempotency key reused.");

    /// <summary>The key's binding was taken over by a later request (this one was held up past the takeover): nothing is written.</summary>
    public static UnavailableException KeyTakenOver() => new(
        "This request was held up so long that a later request took over its Idempotency-Key; nothing was recorded. Retry with the same key to get the answer.");
}

namespace Trading.Core.Ledger;

/// <summary>
/// Runs a use case on a snapshot, pure. The order is fixed here, once for every use case: idempotency first (the same
/// key and request replays the first answer, the same key with another request is 422), then the use case's own rules;
/// then the audit records of what it changed and its idempotency record join its changes, in the same transaction,
/// and the head counts the audit records. A refusal writes nothing, so the key stays unbound.
/// </summary>
public static class UseCaseRunner
{
    public static Decision<T> Run<T>(IMarketUseCase<T> useCase, MarketSnapshot snapshot, UseCaseContext context)
    {
        var fingerprint = useCase.Fingerprint;
        if (fingerprint is not null)
        {
            if (context.CallerKeyHash is null) throw new InvalidOperationException($"{useCase.Action} creates something: it runs under an idempotency key");
            if (snapshot.Idempotency is { } seen)
                return seen.Fingerprint == fingerprint ? Decision<T>.Replay(seen) : throw KeyReused();
        }

        var decision = useCase.Decide(snapshot, context);
        if (decision.WritesNothing) return decision;
        if (decision.Audit.Count == 0) throw new InvalidOperationException($"{useCase.Action} changes the ledger without an audit record");

        var head = decision.Head ?? snapshot.Head.Value;
        var changes = new List<RowChange>(decision.Changes);
        var number = head.AuditCount;
        foreach (var entry in decision.Audit)
            changes.Add(RowChange.New(new AuditRecord(snapshot.Market, ++number, entry.Action, entry.Subject, context.Caller.Id, context.Now,
                context.TraceId, null)));
        head = head with { AuditCount = number };
        changes.Add(RowChange.Of(snapshot.Head, head));
        // A refused request (that still ends something, as an expired offer) leaves its key unbound.
        if (fingerprint is not null && decision.Refusal is null)
        {
            var resource = decision.ResourceId ?? throw new InvalidOperationException($"{useCase.Action} names no created resource");
            changes.Add(RowChange.New(new IdempotencyRecord(context.CallerKeyHash!, fingerprint, resource, null)));
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
}

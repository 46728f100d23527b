using Trading.Core.Writes;

namespace Trading.Core.Ledger;

/// <summary>
/// What a use case decided: the rows to commit as one transaction, the new head (null: unchanged), the audit entries,
/// the events it sends, and the answer. <see cref="Refusal"/>, when set, is thrown after the changes commit (an expired proposal is ended,
/// then its confirmation refused). <see cref="Replayed"/> is the earlier answer to the same request under the same
/// idempotency key: nothing is written.
/// </summary>
public sealed record Decision<T>(T? Answer, IReadOnlyList<RowChange> Changes, IHead? Head, IReadOnlyList<AuditEntry> Audit)
{
    public DomainException? Refusal { get; init; }

    /// <summary>The events the change sends (written in its transaction by <see cref="UseCaseRunner"/>); none by default.</summary>
    public IReadOnlyList<EventEntry> Events { get; init; } = [];
    public IdempotencyRecord? Replayed { get; init; }

    /// <summary>The created resource's id, for the idempotency record of a creating use case.</summary>
    public string? ResourceId { get; init; }

    /// <summary>Nothing to write: the state already is what was asked (idempotent by state).</summary>
    public static Decision<T> Unchanged(T answer) => new(answer, [], null, []);

    public static Decision<T> Replay(IdempotencyRecord record) => new(default, [], null, []) { Replayed = record };

    public bool WritesNothing => Changes.Count == 0 && Head is null;
}

using Trading.Core.Ledger;

namespace Trading.Core.Writes;

/// <summary>
/// One write to one partition of one book, pure: which rows it needs (possibly in steps: what it needs may depend on what
/// it found), and a decision from the snapshot of those rows, access rules included. No I/O, no clock (the context carries
/// "now"). The <see cref="WriteShell{TReads,TSnapshot}"/> commits the decision as one partition transaction under
/// If-Match and, on a lost race, loads and decides again.
/// </summary>
public interface IUseCase<TReads, in TSnapshot, T>
{
    /// <summary>The partition key the use case writes.</summary>
    string Partition { get; }

    /// <summary>The audit action, e.g. <c>trade.recorded</c>.</summary>
    string Action { get; }

    /// <summary>
    /// Fingerprint of the request's meaning for a use case that creates something (bound to the caller's idempotency
    /// key); null for a state change, which is idempotent by state.
    /// </summary>
    string? Fingerprint { get; }

    /// <summary>The rows needed, given what is loaded so far (null before the first load).</summary>
    TReads ReadsOf(TSnapshot? loaded, UseCaseContext context);

    /// <summary>Decides from the snapshot; throws a <see cref="DomainException"/> to refuse (nothing is written).</summary>
    Decision<T> Decide(TSnapshot snapshot, UseCaseContext context);
}

using Trading.Core.Primitives;

namespace Trading.Core.Ledger;

/// <summary>
/// One write to one market, pure: which rows it needs (possibly in two steps: a proposal first, then its parties'
/// holdings), and a decision from the snapshot of those rows. No I/O, no clock (the context carries "now"). The shell
/// commits the decision as one partition transaction under If-Match and, on a lost race, loads and decides again.
/// </summary>
public interface IMarketUseCase<T>
{
    MarketId Market { get; }

    /// <summary>The audit action, e.g. <c>trade.recorded</c>.</summary>
    string Action { get; }

    /// <summary>
    /// Fingerprint of the request's meaning for a use case that creates something (bound to the caller's idempotency
    /// key); null for a state change, which is idempotent by state.
    /// </summary>
    string? Fingerprint => null;

    /// <summary>The rows needed, given what is loaded so far (null before the first load).</summary>
    MarketReads Reads(MarketSnapshot? loaded, UseCaseContext context);

    /// <summary>Decides from the snapshot; throws a <see cref="DomainException"/> to refuse (nothing is written).</summary>
    Decision<T> Decide(MarketSnapshot snapshot, UseCaseContext context);
}

using Trading.Core.Primitives;
using Trading.Core.Writes;

namespace Trading.Core.Ledger;

/// <summary>
/// One write to one market, pure: which rows it needs (possibly in two steps: a proposal first, then its parties'
/// holdings), and a decision from the snapshot of those rows. No I/O, no clock (the context carries "now"). The shell
/// commits the decision as one partition transaction under If-Match and, on a lost race, loads and decides again.
/// </summary>
public interface IMarketUseCase<T> : IUseCase<MarketReads, MarketSnapshot, T>
{
    MarketId Market { get; }

    string IUseCase<MarketReads, MarketSnapshot, T>.Partition => Market.Key;

    string? IUseCase<MarketReads, MarketSnapshot, T>.Fingerprint => null;

    /// <summary>The rows needed, given what is loaded so far (null before the first load).</summary>
    MarketReads Reads(MarketSnapshot? loaded, UseCaseContext context);

    MarketReads IUseCase<MarketReads, MarketSnapshot, T>.ReadsOf(MarketSnapshot? loaded, UseCaseContext context) => Reads(loaded, context);
}

using Trading.Core.Access;
using Trading.Core.Enterprises;
using Trading.Core.Primitives;

namespace Trading.Core.Ledger;

/// <summary>The result of a trade submission: the trade, and whether it is a replay of an earlier submission.</summary>
public sealed record TradeOutcome(Trade Trade, bool Replayed);

/// <summary>Filters of the trade list. Months are China Standard Time, inclusive.</summary>
public sealed record TradeQuery(RegionPrefix Region, Pollutant? Pollutant, ReportingMonth? From, ReportingMonth? To, CreditCode? Party);

/// <summary>One market's holding of a holder, for the holdings list.</summary>
public sealed record MarketHolding(MarketId Market, Holding Holding);

/// <summary>The emission-rights ledger (port; one Table Storage partition per market in infra).</summary>
public interface ILedger
{
    /// <summary>
    /// Records a trade exactly once per (caller, idempotency key). Same key and same request: the first trade, replayed.
    /// Same key and another request: <see cref="RuleViolationException"/>, whatever market it names.
    /// </summary>
    Task<TradeOutcome> SubmitTradeAsync(Principal caller, string idempotencyKey, TradeRequest request, CancellationToken ct);

    Task<Trade?> GetTradeAsync(TradeId id, CancellationToken ct);

    Task<ListPage<Trade>> ListTradesAsync(TradeQuery query, int pageSize, string? continuationToken, CancellationToken ct);

    Task<Allocation> AllocateAsync(Principal caller, AllocationRequest request, CancellationToken ct);

    Task<IReadOnlyList<MarketHolding>> HoldingsOfAsync(Holder holder, CancellationToken ct);
}

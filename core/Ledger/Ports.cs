using Trading.Core.Enterprises;
using Trading.Core.Primitives;

namespace Trading.Core.Ledger;

/// <summary>Filters of the trade list. Months are China Standard Time, inclusive; <c>Method</c> null is every method.</summary>
public sealed record TradeQuery(RegionPrefix Region, Pollutant? Pollutant, ReportingMonth? From, ReportingMonth? To, CreditCode? Party,
    TradeMethod? Method = null);

/// <summary>One market's holding of a holder, for the holdings list.</summary>
public sealed record MarketHolding(MarketId Market, Holding Holding);

/// <summary>Reads of the emission-rights ledger (port; one Table Storage partition per market in infra). Writes are use cases.</summary>
public interface ILedger
{
    Task<Trade?> GetTradeAsync(TradeId id, CancellationToken ct);

    Task<ListPage<Trade>> ListTradesAsync(TradeQuery query, int pageSize, string? continuationToken, CancellationToken ct);

    Task<IReadOnlyList<MarketHolding>> HoldingsOfAsync(Holder holder, CancellationToken ct);
}

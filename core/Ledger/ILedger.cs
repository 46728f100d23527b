using Trading.Core.Enterprises;
using Trading.Core.Primitives;

namespace Trading.Core.Ledger;

/// <summary>Reads of the emission-rights ledger (port; one Table Storage partition per market in infra). Writes are use cases.</summary>
public interface ILedger
{
    Task<Trade?> GetTradeAsync(TradeId id, CancellationToken ct);

    Task<ListPage<Trade>> ListTradesAsync(TradeQuery query, int pageSize, string? continuationToken, CancellationToken ct);

    Task<IReadOnlyList<MarketHolding>> HoldingsOfAsync(Holder holder, CancellationToken ct);
}

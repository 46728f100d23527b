using Trading.Core.Primitives;

namespace Trading.Core.Ledger.UseCases;

/// <summary>
/// An official (or admin) records a trade concluded elsewhere; the reserve is sold only this way or by auction. Its price
/// may lie outside the market's ±30 % band (it was concluded elsewhere): it is then recorded <see cref="Trade.OutsideBand"/>,
/// counted in every volume and amount and in no price.
/// </summary>
public sealed record RecordTrade(TradeRequest Request) : IMarketUseCase<Trade>
{
    public MarketId Market => Request.Market;
    public string Action => "trade.recorded";
    public string? Fingerprint => Request.Fingerprint();

    public MarketReads Reads(MarketSnapshot? loaded, UseCaseContext context) => Settlement.Reads(Request.Seller, Request.Buyer, Request.TradedAt, context.Now);

    public Decision<Trade> Decide(MarketSnapshot snapshot, UseCaseContext context)
    {
        Access.LedgerAccess.RequireMayRecordTrade(context.Caller, Market);
        var settled = Settlement.Settle(Request, snapshot, snapshot.Head.Value, context.Now, context.Caller.Id);
        return new Decision<Trade>(settled.Trade, settled.Changes, settled.Head, [new AuditEntry(Action, settled.Trade.Id.ToString())])
        {
            ResourceId = settled.Trade.Id.ToString(),
            Events = settled.Events,
        };
    }
}

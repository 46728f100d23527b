namespace Trading.Core.Ledger;

/// <summary>What settling a trade writes: the trade, both holdings, the month counter and the head; all or nothing.</summary>
public sealed record SettlementResult(Trade Trade, MarketHead Head, IReadOnlyList<RowChange> Changes)
{
    /// <summary><c>trade.settled</c> to seller and buyer (the reserve has no inbox).</summary>
    public IReadOnlyList<Writes.EventEntry> Events => Writes.EventTypes.To(Writes.EventTypes.TradeSettled, Trade,
        Writes.EventRecipient.Of(Trade.Request.Seller), Writes.EventRecipient.Of(Trade.Request.Buyer));
}

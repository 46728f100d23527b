namespace Trading.Core.Ledger;

/// <summary>What settling a trade writes: the trade, both holdings, the month counter and the head; all or nothing.</summary>
public sealed record SettlementResult(Trade Trade, MarketHead Head, IReadOnlyList<RowChange> Changes);

using Trading.Core.Primitives;

namespace Trading.Core.Ledger;

/// <summary>One market's holding of a holder, for the holdings list.</summary>
public sealed record MarketHolding(MarketId Market, Holding Holding);

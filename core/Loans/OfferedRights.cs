using Trading.Core.Finance;
using Trading.Core.Primitives;

namespace Trading.Core.Loans;

/// <summary>
/// The rights a firm offers with an application, with what was read about them when it applied: their market's price
/// (null: no price, so no value) and the holder's available quantity there.
/// </summary>
public sealed record OfferedRights(MarketId Market, Quantity Quantity, MarketPrice? Price, Quantity Available);

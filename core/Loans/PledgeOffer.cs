using Trading.Core.Finance;
using Trading.Core.Primitives;

namespace Trading.Core.Loans;

/// <summary>
/// The rights a firm offers in pledge with its application for a pledge product: frozen in their market while the
/// application is submitted. <see cref="Pledge"/> is the number of the offer's pledge row in that market, once frozen.
/// </summary>
public sealed record PledgeOffer(MarketId Market, Quantity Quantity, long? Pledge = null)
{
    public string? PledgeId => Pledge is { } n ? Finance.Pledge.IdOf(Market, n) : null;
}

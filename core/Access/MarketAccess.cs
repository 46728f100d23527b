using Trading.Core.Ledger;
using Trading.Core.Primitives;

namespace Trading.Core.Access;

/// <summary>Who may offer rights on the market and who sees whose name.</summary>
public static class MarketAccess
{
    /// <summary>An enterprise sells (lists) only its own rights; the reserve is sold only by officials in scope and admin.</summary>
    public static void RequireMaySell(Principal caller, Holder seller, MarketId market)
    {
        if (seller.IsReserve)
        {
            if (caller.Role is Role.Official or Role.Admin) { LedgerAccess.RequireGoverns(caller, market); return; }
            throw new ForbiddenException("The reserve is sold by officials only.");
        }
        if (caller.Role == Role.Enterprise && caller.Subject == seller.Value) return;
        throw new ForbiddenException(caller.Role == Role.Enterprise
            ? "An enterprise lists its own rights only."
            : "Officials list the reserve; an enterprise lists its own rights.");
    }

    /// <summary>A seller's or bidder's name is shown to itself, to officials in scope and to admin only.</summary>
    public static bool MaySeeParty(Principal caller, Holder party, MarketId market) =>
        caller.GovernsRegion(market.Region) || (caller.Role == Role.Enterprise && caller.Subject == party.Value);

    /// <summary>Auctions sell the reserve: officials in scope and admin create them.</summary>
    public static void RequireMayAuction(Principal caller, MarketId market)
    {
        if (caller.Role is not (Role.Official or Role.Admin)) throw new ForbiddenException("Reserve auctions are created by officials.");
        LedgerAccess.RequireGoverns(caller, market);
    }
}

using Trading.Core.Finance;
using Trading.Core.Ledger;
using Trading.Core.Primitives;

namespace Trading.Core.Access;

/// <summary>
/// Who may move or bind rights. Nobody but the holder, or an official acting for the bureau, moves or binds a holder's
/// rights: an enterprise proposes and the counterparty confirms; a bank asks for a pledge and the holder accepts.
/// </summary>
public static class LedgerAccess
{
    /// <summary>Trades concluded elsewhere are recorded by officials in scope and admin only; they alone sell the reserve.</summary>
    public static void RequireMayRecordTrade(Principal caller, MarketId market)
    {
        switch (caller.Role)
        {
            case Role.Enterprise:
                throw new ForbiddenException("An enterprise does not record trades: propose one with POST /api/trade-proposals and the counterparty confirms it.");
            case Role.Official or Role.Admin:
                RequireGoverns(caller, market);
                return;
            default:
                throw new ForbiddenException($"A {caller.RoleName} key does not record trades.");
        }
    }

    /// <summary>Allocations, revocations and bureau pledges: officials whose prefix covers the market, and admin.</summary>
    public static void RequireGoverns(Principal caller, MarketId market)
    {
        if (!caller.GovernsRegion(market.Region))
            throw new ForbiddenException(caller.Role == Role.Official
                ? $"Region {market.Region} is outside your scope ({caller.Subject})."
                : $"A {caller.RoleName} key may not do this.");
    }

    /// <summary>Only an enterprise proposes a trade, and only for itself.</summary>
    public static Holder RequireProposer(Principal caller) => caller.Role == Role.Enterprise
        ? Holder.Of(CreditCode.Parse(caller.Subject))
        : throw new ForbiddenException("Trade proposals are made by enterprises; officials record trades with POST /api/trades.");

    /// <summary>The caller as a party to a trade proposal, or null.</summary>
    public static Holder? PartyOf(Principal caller, TradeProposal proposal) =>
        caller.Role == Role.Enterprise && proposal.IsParty(Holder.Of(CreditCode.Parse(caller.Subject))) ? Holder.Of(CreditCode.Parse(caller.Subject)) : null;

    public static bool MaySee(Principal caller, TradeProposal p) => caller.GovernsRegion(p.Market.Region) || PartyOf(caller, p) is not null;

    /// <summary>
    /// Who asks for a pledge: a bank for itself and an enterprise for its own rights make a request that the other side
    /// must accept; an official in scope or admin registers it for the bureau (active at once).
    /// </summary>
    public static PledgeParty PledgeCreator(Principal caller, PledgeRequest request) => caller.Role switch
    {
        Role.Admin => PledgeParty.Bureau,
        Role.Official when caller.GovernsRegion(request.Market.Region) => PledgeParty.Bureau,
        Role.Official => throw new ForbiddenException($"Region {request.Market.Region} is outside your scope ({caller.Subject})."),
        Role.Bank when caller.Subject == request.Bank.Value => PledgeParty.Bank,
        Role.Bank => throw new ForbiddenException("A bank asks for pledges to itself only."),
        Role.Enterprise when caller.Subject == request.Holder.Value => PledgeParty.Holder,
        _ => throw new ForbiddenException("An enterprise offers its own rights in pledge only."),
    };

    public static bool MaySee(Principal caller, Pledge p) => caller.GovernsRegion(p.Market.Region) || p.SideOf(caller) is not null;

    /// <summary>A pledge is released by its bank, an official in scope or admin.</summary>
    public static bool MayRelease(Principal caller, Pledge p) => caller.GovernsRegion(p.Market.Region) || p.SideOf(caller) == PledgeParty.Bank;
}

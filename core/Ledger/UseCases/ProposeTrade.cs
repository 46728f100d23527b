using Trading.Core.Market;
using Trading.Core.Primitives;

namespace Trading.Core.Ledger.UseCases;

/// <summary>
/// An enterprise proposes a trade to its counterparty. Nothing moves until the counterparty confirms; a seller's proposal
/// freezes its quantity at once (409 with <c>available</c> when it is not available), so it cannot be sold twice. The unit
/// price is at most 10,000,000.00 and, when the market has a reference price, within ±30 % of it (422 with
/// <c>referencePrice</c> and <c>band</c>); confirmation checks the band again.
/// </summary>
public sealed record ProposeTrade(ProposalRequest Request) : IMarketUseCase<ProposalOutcome>
{
    public MarketId Market => Request.Market;
    public string Action => "proposal.created";
    public string? Fingerprint => Request.Fingerprint();

    public MarketReads Reads(MarketSnapshot? loaded, UseCaseContext context) => new() { Holders = [Request.Seller], PriceDays = ReferencePrice.Window(context.Now) };

    public Decision<ProposalOutcome> Decide(MarketSnapshot snapshot, UseCaseContext context)
    {
        var proposer = Access.LedgerAccess.RequireProposer(context.Caller);
        if (proposer != Request.ProposedBy || (proposer != Request.Seller && proposer != Request.Buyer))
            throw new ForbiddenException("An enterprise proposes trades of its own rights only, as seller or buyer.");
        Settlement.RequireUnitPriceInRange(Request.UnitPrice);
        ReferencePrice.RequireInBand(Request.UnitPrice, ReferencePrice.From(snapshot.PriceDays!, context.Now));
        var head = snapshot.Head.Value;
        var number = checked(head.ProposalCount + 1);
        var proposal = new TradeProposal(number, Request, ProposalStatus.Proposed, context.Now,
            Request.ExpiresAt ?? context.Now + ProposalRequest.DefaultLifetime);
        var changes = new List<RowChange> { RowChange.New(proposal) };
        if (proposal.Freezes)
        {
            var seller = snapshot.Holding(Request.Seller);
            changes.Add(RowChange.Of(seller, seller.Value.Freeze(Market, Request.Quantity)));
        }
        return new Decision<ProposalOutcome>(new ProposalOutcome(proposal, null), changes, head with { ProposalCount = number },
            [new AuditEntry(Action, proposal.Id)])
        {
            ResourceId = proposal.Id,
            Events = Writes.EventTypes.To(Writes.EventTypes.ProposalReceived, new ProposalOutcome(proposal, null), Writes.EventRecipient.Of(proposal.Counterparty)),
        };
    }
}

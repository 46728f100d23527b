using Trading.Core.Finance;
using Trading.Core.Ledger;
using Trading.Core.Ledger.UseCases;
using Trading.Core.Primitives;

namespace Trading.Core.Loans.UseCases;

/// <summary>
/// Approval, market step (the commit point of a grant): the frozen offer of an approving application becomes the loan's
/// <c>active</c> pledge for the quantity the bank takes; what it does not take is available again. Idempotent by state:
/// an offer already active for this application answers itself.
/// </summary>
public sealed record ActivateOffer(LoanApplication Application) : IMarketUseCase<Pledge>
{
    public MarketId Market => Offer.Market;
    public string Action => "pledge.granted";
    private PledgeOffer Offer => Application.Offer ?? throw new InvalidOperationException($"{Application.Id} offers no pledge");
    private LoanApproval Approval => Application.Approval ?? throw new InvalidOperationException($"{Application.Id} is not approved");

    public MarketReads Reads(MarketSnapshot? loaded, UseCaseContext context) => new()
    {
        Pledges = [Offer.Pledge ?? throw new InvalidOperationException($"{Application.Id} has no frozen offer")],
        Holders = [Holder.Of(Application.Applicant)],
    };

    public Decision<Pledge> Decide(MarketSnapshot snapshot, UseCaseContext context)
    {
        if (!Access.LoanAccess.IsBankOrAdmin(context.Caller, Application.Bank))
            throw new ForbiddenException("An offered pledge becomes active by its bank's approval only.");
        var row = snapshot.Pledges[Offer.Pledge!.Value];
        if (row is not { Exists: true } || row.Value.Request.Reference != Application.Id)
            throw new InvalidOperationException($"the offer of {Application.Id} is missing");
        var p = row.Value;
        if (p.Status is PledgeStatus.Active or PledgeStatus.Released) return Decision<Pledge>.Unchanged(p);
        if (p.Status != PledgeStatus.Offered) throw PledgeRules.State(p, "granted");
        var taken = Approval.Taken ?? Offer.Quantity;
        var holding = snapshot.Holding(p.Request.Holder);
        var active = p with
        {
            Request = p.Request with { Quantity = taken, LoanAmount = Approval.Terms.Amount },
            Status = PledgeStatus.Active, ActivatedAt = context.Now, ActivatedBy = context.Caller.Id,
        };
        return new Decision<Pledge>(active, [RowChange.Of(row, active), RowChange.Of(holding, holding.Value.Unfreeze(p.Request.Quantity).Pledge(Market, taken))],
            null, [new AuditEntry(Action, p.Id)]);
    }
}

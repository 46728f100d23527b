using Trading.Core.Finance;
using Trading.Core.Ledger;
using Trading.Core.Primitives;

namespace Trading.Core.Loans.UseCases;

/// <summary>
/// Decline, withdrawal or expiry, market step: the frozen offer of an ended application is released (rejected,
/// cancelled or expired as the application ended), its quantity available again. Idempotent by state.
/// </summary>
public sealed record EndOffer(LoanApplication Application) : IMarketUseCase<Pledge>
{
    public MarketId Market => Offer.Market;
    public string Action => "pledge." + StateConflict.Name(LoanGrant.OfferEnd(Application.Status));
    private PledgeOffer Offer => Application.Offer ?? throw new InvalidOperationException($"{Application.Id} offers no pledge");

    public MarketReads Reads(MarketSnapshot? loaded, UseCaseContext context) => new()
    {
        Pledges = [Offer.Pledge ?? throw new InvalidOperationException($"{Application.Id} has no frozen offer")],
        Holders = [Holder.Of(Application.Applicant)],
    };

    public Decision<Pledge> Decide(MarketSnapshot snapshot, UseCaseContext context)
    {
        if (!Access.LoanAccess.MaySee(context.Caller, Application)) throw new ForbiddenException("An offer is released by its applicant or its bank only.");
        var row = snapshot.Pledges[Offer.Pledge!.Value];
        if (row is not { Exists: true } || row.Value.Request.Reference != Application.Id)
            throw new InvalidOperationException($"the offer of {Application.Id} is missing");
        var p = row.Value;
        if (p.Status != PledgeStatus.Offered) return Decision<Pledge>.Unchanged(p);
        var holding = snapshot.Holding(p.Request.Holder);
        var ended = p with { Status = LoanGrant.OfferEnd(Application.Status), EndedAt = context.Now, EndedBy = context.Caller.Id };
        return new Decision<Pledge>(ended, [RowChange.Of(row, ended), RowChange.Of(holding, holding.Value.Unfreeze(p.Request.Quantity))],
            null, [new AuditEntry(Action, p.Id)]);
    }
}

using Trading.Core.Primitives;

namespace Trading.Core.Ledger.UseCases;

/// <summary>
/// The counterparty rejects, or the proposer cancels, an open proposal; what it froze is available again. Repeating it
/// answers the same; a proposal in another end state is 409 with its <c>state</c>.
/// </summary>
public sealed record EndProposal(MarketId Market, long Number, ProposalStatus Target) : IMarketUseCase<ProposalOutcome>
{
    public string Action => Target == ProposalStatus.Rejected ? "proposal.rejected" : "proposal.cancelled";

    public MarketReads Reads(MarketSnapshot? loaded, UseCaseContext context) => ProposalRules.Reads(Number, loaded);

    public Decision<ProposalOutcome> Decide(MarketSnapshot snapshot, UseCaseContext context)
    {
        if (Target is not (ProposalStatus.Rejected or ProposalStatus.Cancelled)) throw new ArgumentException("a proposal is ended by rejection or cancellation");
        var row = ProposalRules.Find(snapshot, Market, Number, context.Caller);
        var p = row.Value;
        var verb = Target == ProposalStatus.Rejected ? "rejected" : "cancelled";
        var party = Access.LedgerAccess.PartyOf(context.Caller, p);
        var allowed = Target == ProposalStatus.Rejected ? p.Counterparty : p.ProposedBy;
        if (party != allowed && context.Caller.Role != Access.Role.Admin)
            throw new ForbiddenException(Target == ProposalStatus.Rejected
                ? $"Only the counterparty ({p.Counterparty}) rejects trade proposal {p.Id}; the proposer cancels it."
                : $"Only the proposer ({p.ProposedBy}) cancels trade proposal {p.Id}; the counterparty rejects it.");
        if (p.Status == Target) return Decision<ProposalOutcome>.Unchanged(new ProposalOutcome(p, null));
        if (p.Status != ProposalStatus.Proposed) throw StateConflict.Exception($"Trade proposal {p.Id}", StateConflict.Name(p.Status), verb);
        if (p.IsPastExpiry(context.Now)) return ProposalRules.ExpireAndRefuse(snapshot, row, context, verb);
        var changes = ProposalRules.End(snapshot, row, Target, context, out var ended);
        return new Decision<ProposalOutcome>(new ProposalOutcome(ended, null), changes, null, [new AuditEntry(Action, p.Id)]);
    }
}

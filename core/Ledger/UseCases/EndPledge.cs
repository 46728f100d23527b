using Trading.Core.Finance;
using Trading.Core.Primitives;

namespace Trading.Core.Ledger.UseCases;

/// <summary>
/// Ends a pledge: a request rejected by the side that was asked or cancelled by the side that asked; an active pledge
/// released by its bank (or an official in scope, or admin), its quantity available again. Repeating answers the same.
/// </summary>
public sealed record EndPledge(MarketId Market, long Number, PledgeStatus Target) : IMarketUseCase<Pledge>
{
    public string Action => "pledge." + StateConflict.Name(Target);

    public MarketReads Reads(MarketSnapshot? loaded, UseCaseContext context) => PledgeRules.Reads(Number, loaded);

    public Decision<Pledge> Decide(MarketSnapshot snapshot, UseCaseContext context)
    {
        var row = PledgeRules.Find(snapshot, Market, Number, context.Caller);
        var p = row.Value;
        var side = p.SideOf(context.Caller);
        var admin = context.Caller.Role == Access.Role.Admin;
        var verb = StateConflict.Name(Target);
        switch (Target)
        {
            case PledgeStatus.Released:
                if (!Access.LedgerAccess.MayRelease(context.Caller, p)) throw new ForbiddenException($"Pledge {p.Id} is released by its bank ({p.Request.Bank}).");
                if (p.Status == Target) return Decision<Pledge>.Unchanged(p);
                if (p.Status != PledgeStatus.Active) throw PledgeRules.State(p, verb);
                var holding = snapshot.Holding(p.Request.Holder);
                var released = p with { Status = Target, EndedAt = context.Now, EndedBy = context.Caller.Id };
                // To the other side: the holder when its bank releases; both when the bureau (an official, admin) does.
                var releasedEvents = Writes.EventTypes.To(Writes.EventTypes.PledgeReleased, released, Writes.EventRecipient.Of(p.Request.Holder),
                    side == PledgeParty.Bank ? null : Writes.EventRecipient.Of(p.Request.Bank));
                return new Decision<Pledge>(released, [RowChange.Of(row, released), RowChange.Of(holding, holding.Value.Unpledge(p.Request.Quantity))],
                    null, [new AuditEntry(Action, p.Id)]) { Events = releasedEvents };
            case PledgeStatus.Rejected or PledgeStatus.Cancelled:
                var allowed = Target == PledgeStatus.Rejected ? p.Acceptor : p.RequestedBy;
                if (side != allowed && !admin)
                    throw new ForbiddenException(Target == PledgeStatus.Rejected
                        ? $"Only the {p.Acceptor.ToString().ToLowerInvariant()} rejects pledge request {p.Id}; the side that asked cancels it."
                        : $"Only the {p.RequestedBy.ToString().ToLowerInvariant()} that asked cancels pledge request {p.Id}.");
                if (p.Status == Target) return Decision<Pledge>.Unchanged(p);
                if (p.Status != PledgeStatus.Requested) throw PledgeRules.State(p, verb);
                var ended = p with { Status = Target, EndedAt = context.Now, EndedBy = context.Caller.Id };
                return new Decision<Pledge>(ended, [RowChange.Of(row, ended)], null, [new AuditEntry(Action, p.Id)]);
            default:
                throw new ArgumentException("a pledge is ended by release, rejection or cancellation");
        }
    }
}

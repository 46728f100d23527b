using Trading.Core.Finance;
using Trading.Core.Primitives;

namespace Trading.Core.Ledger.UseCases;

/// <summary>
/// The other side accepts a pledge request (the holder a bank's, the bank a holder's): the quantity moves from available
/// to pledged (409 with <c>available</c>). Accepting again answers the active pledge; past its expiry it is ended and
/// the acceptance refused (409 <c>expired</c>).
/// </summary>
public sealed record AcceptPledge(MarketId Market, long Number) : IMarketUseCase<Pledge>
{
    public string Action => "pledge.accepted";

    public MarketReads Reads(MarketSnapshot? loaded, UseCaseContext context) => PledgeRules.Reads(Number, loaded);

    public Decision<Pledge> Decide(MarketSnapshot snapshot, UseCaseContext context)
    {
        var row = PledgeRules.Find(snapshot, Market, Number, context.Caller);
        var p = row.Value;
        if (p.SideOf(context.Caller) != p.Acceptor && context.Caller.Role != Access.Role.Admin)
            throw new ForbiddenException($"Pledge {p.Id} was asked for by the {p.RequestedBy.ToString().ToLowerInvariant()}; only the {p.Acceptor.ToString().ToLowerInvariant()} accepts it.");
        if (p.Status == PledgeStatus.Active) return Decision<Pledge>.Unchanged(p);
        if (p.Status != PledgeStatus.Requested) throw PledgeRules.State(p, "accepted");
        if (p.IsPastExpiry(context.Now))
        {
            var expired = p with { Status = PledgeStatus.Expired, EndedAt = context.Now, EndedBy = context.Caller.Id };
            return new Decision<Pledge>(expired, [RowChange.Of(row, expired)], null, [new AuditEntry("pledge.expired", p.Id)])
            {
                Refusal = PledgeRules.State(expired, "accepted"),
            };
        }
        var holding = snapshot.Holding(p.Request.Holder);
        var active = p with { Status = PledgeStatus.Active, ActivatedAt = context.Now, ActivatedBy = context.Caller.Id };
        return new Decision<Pledge>(active, [RowChange.Of(row, active), RowChange.Of(holding, holding.Value.Pledge(Market, p.Request.Quantity))],
            null, [new AuditEntry(Action, p.Id)])
        {
            Events = Writes.EventTypes.To(Writes.EventTypes.PledgeAccepted, active,
                p.RequestedBy == PledgeParty.Bank ? Writes.EventRecipient.Of(p.Request.Bank) : Writes.EventRecipient.Of(p.Request.Holder)),
        };
    }
}

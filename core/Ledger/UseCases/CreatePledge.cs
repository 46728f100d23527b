using Trading.Core.Finance;
using Trading.Core.Primitives;

namespace Trading.Core.Ledger.UseCases;

/// <summary>
/// A pledge asked for by a bank or offered by the holder is a request (nothing is bound until the other side accepts);
/// registered by the bureau it is active at once, binding its quantity (409 with <c>available</c>).
/// </summary>
public sealed record CreatePledge(PledgeRequest Request, PledgeParty RequestedBy) : IMarketUseCase<Pledge>
{
    public MarketId Market => Request.Market;
    public string Action => RequestedBy switch { PledgeParty.Bureau => "pledge.registered", PledgeParty.Loan => "pledge.granted", _ => "pledge.requested" };
    public string? Fingerprint => Request.Fingerprint();

    public MarketReads Reads(MarketSnapshot? loaded, UseCaseContext context) => new() { Holders = [Request.Holder] };

    public Decision<Pledge> Decide(MarketSnapshot snapshot, UseCaseContext context)
    {
        var creator = RequestedBy == PledgeParty.Loan
            ? (Access.LoanAccess.IsBankOrAdmin(context.Caller, Request.Bank) ? PledgeParty.Loan : throw new ForbiddenException("A loan's pledge is taken by its bank."))
            : Access.LedgerAccess.PledgeCreator(context.Caller, Request);
        if (creator != RequestedBy) throw new ForbiddenException($"A {context.Caller.RoleName} key does not make this pledge.");
        var head = snapshot.Head.Value;
        var number = checked(head.PledgeCount + 1);
        var changes = new List<RowChange>();
        Pledge pledge;
        if (RequestedBy is PledgeParty.Bureau or PledgeParty.Loan)
        {
            var holding = snapshot.Holding(Request.Holder);
            changes.Add(RowChange.Of(holding, holding.Value.Pledge(Market, Request.Quantity)));
            pledge = new Pledge(number, Request, RequestedBy, PledgeStatus.Active, context.Now, context.Caller.Id, null, context.Now, context.Caller.Id);
        }
        else
        {
            pledge = new Pledge(number, Request, RequestedBy, PledgeStatus.Requested, context.Now, context.Caller.Id,
                Request.ExpiresAt ?? context.Now + PledgeRequest.DefaultLifetime);
        }
        changes.Insert(0, RowChange.New(pledge));
        return new Decision<Pledge>(pledge, changes, head with { PledgeCount = number }, [new AuditEntry(Action, pledge.Id)])
        {
            ResourceId = pledge.Id,
            Events = Events(pledge),
        };
    }

    /// <summary>A request to the side that must accept it; a registration by the bureau to both sides; a loan's pledge to nobody (its application tells).</summary>
    private static IReadOnlyList<Writes.EventEntry> Events(Pledge pledge)
    {
        var bank = Writes.EventRecipient.Of(pledge.Request.Bank);
        var holder = Writes.EventRecipient.Of(pledge.Request.Holder);
        return pledge.RequestedBy switch
        {
            PledgeParty.Bank => Writes.EventTypes.To(Writes.EventTypes.PledgeRequested, pledge, holder),
            PledgeParty.Holder => Writes.EventTypes.To(Writes.EventTypes.PledgeRequested, pledge, bank),
            PledgeParty.Bureau => Writes.EventTypes.To(Writes.EventTypes.PledgeAccepted, pledge, holder, bank),
            _ => [],
        };
    }
}

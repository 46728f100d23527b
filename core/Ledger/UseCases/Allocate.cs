using Trading.Core.Primitives;

namespace Trading.Core.Ledger.UseCases;

/// <summary>An official allocates rights (初始分配) to an enterprise or to the market's reserve.</summary>
public sealed record Allocate(AllocationRequest Request) : IMarketUseCase<Allocation>
{
    public MarketId Market => Request.Market;
    public string Action => "allocation.recorded";
    public string? Fingerprint => Request.Fingerprint();

    public MarketReads Reads(MarketSnapshot? loaded, UseCaseContext context) => new() { Holders = [Request.Holder] };

    public Decision<Allocation> Decide(MarketSnapshot snapshot, UseCaseContext context)
    {
        Access.LedgerAccess.RequireGoverns(context.Caller, Market);
        var head = snapshot.Head.Value;
        var number = checked(head.AllocationCount + 1);
        var allocation = new Allocation(number, Request, context.Now, context.Caller.Id);
        var holding = snapshot.Holding(Request.Holder);
        return new Decision<Allocation>(allocation,
            [RowChange.New(allocation), RowChange.Of(holding, holding.Value with { Held = holding.Value.Held.Add(Request.Quantity) })],
            head with { AllocationCount = number, Allocated = head.Allocated.Add(Request.Quantity) },
            [new AuditEntry(Action, allocation.Id)])
        {
            ResourceId = allocation.Id,
            Events = Writes.EventTypes.To(Writes.EventTypes.AllocationMade, allocation, Writes.EventRecipient.Of(Request.Holder)),
        };
    }
}

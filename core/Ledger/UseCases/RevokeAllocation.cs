using Trading.Core.Primitives;

namespace Trading.Core.Ledger.UseCases;

/// <summary>
/// An official takes back (收回) what is left of an allocation, from a closed or relocated firm, into the market's reserve:
/// the allocated quantity, or what the holder still holds if less; refused (409 with <c>available</c>) when part of that
/// is pledged or frozen. Revoking an allocation again answers the first revocation.
/// </summary>
public sealed record RevokeAllocation(MarketId Market, long Number, string Reason) : IMarketUseCase<Allocation>
{
    public string Action => "allocation.revoked";

    public MarketReads Reads(MarketSnapshot? loaded, UseCaseContext context)
    {
        var reads = new MarketReads { Allocations = [Number] };
        return loaded?.Allocations.GetValueOrDefault(Number) is { Exists: true } a
            ? reads with { Holders = [a.Value.Request.Holder, Holder.Reserve] }
            : reads;
    }

    public Decision<Allocation> Decide(MarketSnapshot snapshot, UseCaseContext context)
    {
        var row = snapshot.Allocations.GetValueOrDefault(Number);
        if (row is not { Exists: true } || !context.Caller.GovernsRegion(Market.Region))
            throw new NotFoundException($"No allocation {Allocation.IdOf(Market, Number)} in your scope.");
        var allocation = row.Value;
        if (allocation.Revoked is not null) return Decision<Allocation>.Unchanged(allocation);
        if (allocation.Request.Holder.IsReserve)
            throw new RuleViolationException("This allocation went to the reserve; there is nothing to take back.");

        var holderRow = snapshot.Holding(allocation.Request.Holder);
        var reserveRow = snapshot.Holding(Holder.Reserve);
        var quantity = allocation.Request.Quantity <= holderRow.Value.Held ? allocation.Request.Quantity : holderRow.Value.Held;
        if (holderRow.Value.Available < quantity)
            throw Oversell.Exception(allocation.Request.Holder, Market, holderRow.Value.Available, quantity, "give back");

        var revoked = allocation with { Revoked = new Revocation(quantity, Reason, context.Now, context.Caller.Id) };
        return new Decision<Allocation>(revoked,
        [
            RowChange.Of(row, revoked),
            RowChange.Of(holderRow, holderRow.Value with { Held = holderRow.Value.Held.Subtract(quantity) }),
            RowChange.Of(reserveRow, reserveRow.Value with { Held = reserveRow.Value.Held.Add(quantity) }),
        ], null, [new AuditEntry(Action, allocation.Id)])
        {
            Events = Writes.EventTypes.To(Writes.EventTypes.AllocationRevoked, revoked, Writes.EventRecipient.Of(allocation.Request.Holder)),
        };
    }
}

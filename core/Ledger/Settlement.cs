using Trading.Core.Primitives;

namespace Trading.Core.Ledger;

/// <summary>The state of a market that one trade reads, as loaded from storage.</summary>
public sealed record MarketSnapshot(MarketHead Head, Holding Seller, Holding Buyer, MonthCounter Month);

/// <summary>What one trade writes: all of it commits together or none of it does.</summary>
public sealed record SettlementResult(Trade Trade, MarketHead Head, Holding Seller, Holding Buyer, MonthCounter Month);

/// <summary>The settlement rules of a trade, pure: no I/O, no clock.</summary>
public static class Settlement
{
    /// <summary>
    /// Applies <paramref name="request"/> to <paramref name="state"/>. Rules: the seller's available quantity covers the
    /// quantity (else 409 with <c>available</c>); rights move, never appear or vanish (seller loses exactly what the buyer
    /// gains); the trade takes the next sequence and chains to the previous hash; the month counter of the trade's China
    /// Standard Time month counts it.
    /// </summary>
    public static SettlementResult Settle(TradeRequest request, MarketSnapshot state, DateTimeOffset recordedAt, string recordedBy)
    {
        if (state.Seller.Holder != request.Seller || state.Buyer.Holder != request.Buyer)
            throw new ArgumentException("the snapshot holds other parties than the request", nameof(state));
        if (state.Month.Month != request.Month)
            throw new ArgumentException("the snapshot holds another month than the trade's", nameof(state));

        if (state.Month.Closed) throw MonthClosed(request.Month);

        var available = state.Seller.Available;
        if (available < request.Quantity)
            throw Oversell.Exception(request.Seller, request.Market, available, request.Quantity);

        var sequence = checked(state.Head.Sequence + 1);
        var id = new TradeId(request.Market, sequence);
        var hash = Trade.ComputeHash(id, request, recordedAt, recordedBy, state.Head.LastHash);
        var trade = new Trade(id, request, recordedAt, recordedBy, state.Head.LastHash, hash);

        var seller = state.Seller with { Held = state.Seller.Held.Subtract(request.Quantity) };
        var buyer = state.Buyer with { Held = state.Buyer.Held.Add(request.Quantity) };
        var head = state.Head with { Sequence = sequence, LastHash = hash };
        return new SettlementResult(trade, head, seller, buyer, state.Month.With(trade));
    }

    /// <summary>A closed month's figures are published: a trade dated in it is refused (422).</summary>
    public static RuleViolationException MonthClosed(ReportingMonth month) => new(
        $"The month {month} is closed and its figures are published; a trade dated in it cannot be recorded any more.",
        "The month is closed.");

    /// <summary>An allocation adds to the holder's holding and to the market's allocated total.</summary>
    public static (Allocation Allocation, MarketHead Head, Holding Holding) Allocate(
        AllocationRequest request, MarketHead head, Holding holding, DateTimeOffset recordedAt, string recordedBy)
    {
        if (holding.Holder != request.Holder) throw new ArgumentException("holding of another holder", nameof(holding));
        var number = checked(head.AllocationCount + 1);
        var allocation = new Allocation($"{request.Market.Key}-A{number}", request, recordedAt, recordedBy);
        return (allocation,
            head with { AllocationCount = number, Allocated = head.Allocated.Add(request.Quantity) },
            holding with { Held = holding.Held.Add(request.Quantity) });
    }
}

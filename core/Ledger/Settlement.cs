using Trading.Core.Primitives;

namespace Trading.Core.Ledger;

/// <summary>What settling a trade writes: the trade, both holdings, the month counter and the head; all or nothing.</summary>
public sealed record SettlementResult(Trade Trade, MarketHead Head, IReadOnlyList<RowChange> Changes)
{
    /// <summary><c>trade.settled</c> to seller and buyer (the reserve has no inbox).</summary>
    public IReadOnlyList<Writes.EventEntry> Events => Writes.EventTypes.To(Writes.EventTypes.TradeSettled, Trade,
        Writes.EventRecipient.Of(Trade.Request.Seller), Writes.EventRecipient.Of(Trade.Request.Buyer));
}

/// <summary>The settlement rules of a trade, pure: no I/O, no clock.</summary>
public static class Settlement
{
    /// <summary>The rows settling a trade in <paramref name="month"/> on <paramref name="day"/> reads besides the parties' holdings.</summary>
    public static MarketReads Reads(Holder seller, Holder buyer, DateTimeOffset tradedAt) => new()
    {
        Holders = [seller, buyer],
        Months = [ReportingMonth.Of(tradedAt)],
        Days = [DayCounter.DayOf(tradedAt)],
    };

    /// <summary>
    /// Settles <paramref name="request"/> on <paramref name="snapshot"/>, in this order: the trade's month is open (else
    /// 422); the seller's available quantity, plus what this trade's own offer had frozen (<paramref name="unfreezing"/>),
    /// covers the quantity (else 409 with <c>available</c>); rights move, never appear or vanish; the trade takes the
    /// next sequence and chains to the previous hash; the month counter counts it (422 beyond the ledger's range).
    /// </summary>
    public static SettlementResult Settle(TradeRequest request, MarketSnapshot snapshot, MarketHead head, DateTimeOffset recordedAt,
        string recordedBy, Quantity unfreezing = default)
    {
        if (snapshot.IsClosed(request.Month)) throw MonthClosed(request.Month);
        var sellerRow = snapshot.Holding(request.Seller);
        var buyerRow = snapshot.Holding(request.Buyer);
        var monthRow = snapshot.Month(request.Month);
        var dayRow = snapshot.Day(DayCounter.DayOf(request.TradedAt));

        var seller = sellerRow.Value.Unfreeze(unfreezing);
        if (seller.Available < request.Quantity)
            throw Oversell.Exception(request.Seller, request.Market, seller.Available, request.Quantity);

        var sequence = checked(head.Sequence + 1);
        var id = new TradeId(request.Market, sequence);
        var hash = Trade.ComputeHash(id, request, recordedAt, recordedBy, head.LastHash);
        var trade = new Trade(id, request, recordedAt, recordedBy, head.LastHash, hash);
        var month = monthRow.Value.With(trade);
        var day = dayRow.Value.With(trade);

        seller = seller with { Held = seller.Held.Subtract(request.Quantity) };
        var buyer = buyerRow.Value with { Held = buyerRow.Value.Held.Add(request.Quantity) };
        return new SettlementResult(trade, head.After(trade),
            [RowChange.New(trade), RowChange.Of(sellerRow, seller), RowChange.Of(buyerRow, buyer), RowChange.Of(monthRow, month), RowChange.Of(dayRow, day)]);
    }

    /// <summary>A closed month's figures are published: a trade dated in it is refused (422).</summary>
    public static RuleViolationException MonthClosed(ReportingMonth month) => new(
        $"The month {month} is closed (or being closed) and its figures are published; a trade dated in it cannot be recorded any more.",
        "The month is closed.");
}

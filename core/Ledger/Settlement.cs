using Trading.Core.Market;
using Trading.Core.Primitives;

namespace Trading.Core.Ledger;

/// <summary>The settlement rules of a trade, pure: no I/O, no clock.</summary>
public static class Settlement
{
    /// <summary>
    /// The rows settling a trade dated <paramref name="tradedAt"/> and recorded at <paramref name="now"/> reads: the parties'
    /// holdings, the trade's month and day counters, and the day counters of the reference price's window at
    /// <paramref name="now"/> (at most 91 rows, one range of the market's partition) to tell whether it is in the band.
    /// </summary>
    public static MarketReads Reads(Holder seller, Holder buyer, DateTimeOffset tradedAt, DateTimeOffset now) => new()
    {
        Holders = [seller, buyer],
        Months = [ReportingMonth.Of(tradedAt)],
        Days = [DayCounter.DayOf(tradedAt)],
        PriceDays = ReferencePrice.Window(now),
    };

    /// <summary>The most a unit price may be: 10,000,000.00 CNY per t·a (422 above it).</summary>
    public static readonly Money MaxUnitPrice = Money.FromFen(1_000_000_000L);

    /// <summary>A unit price above <see cref="MaxUnitPrice"/> is refused (422).</summary>
    public static void RequireUnitPriceInRange(Money unitPrice)
    {
        if (unitPrice.Fen > MaxUnitPrice.Fen)
            throw new RuleViolationException($"unitPrice {unitPrice.Yuan:0.00} is above the most a unit price may be, {MaxUnitPrice.Yuan:N2} CNY per t·a.",
                "The unit price is too high.");
    }

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
        RequireUnitPriceInRange(request.UnitPrice);
        var sellerRow = snapshot.Holding(request.Seller);
        var buyerRow = snapshot.Holding(request.Buyer);
        var monthRow = snapshot.Month(request.Month);
        var dayRow = snapshot.Day(DayCounter.DayOf(request.TradedAt));

        var seller = sellerRow.Value.Unfreeze(unfreezing);
        if (seller.Available < request.Quantity)
            throw Oversell.Exception(request.Seller, request.Market, seller.Available, request.Quantity);

        var sequence = checked(head.Sequence + 1);
        var id = new TradeId(request.Market, sequence);
        var reference = snapshot.PriceDays is { } days ? ReferencePrice.From(days, recordedAt)
            : throw new InvalidOperationException("the use case did not load the reference price's days");
        var outsideBand = !ReferencePrice.IsInBand(request.UnitPrice, reference);
        var hash = Trade.ComputeHash(id, request, recordedAt, recordedBy, head.LastHash, outsideBand);
        var trade = new Trade(id, request, recordedAt, recordedBy, head.LastHash, hash, outsideBand);
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

using Trading.Core.Primitives;

namespace Trading.Core.Ledger;

/// <summary>The terms of a trade as read from JSON, shared by a recorded trade and a trade proposal.</summary>
public abstract class TradeTermsInput
{
    /// <summary>Largest amount of one trade the ledger takes: 10^13 CNY (422 above).</summary>
    public static readonly long MaxTradeAmountFen = 1_000_000_000_000_000L;

    public string? Region { get; set; }
    public string? Pollutant { get; set; }
    public string? Seller { get; set; }
    public string? Buyer { get; set; }
    public decimal? Quantity { get; set; }
    public decimal? UnitPrice { get; set; }
    public int? TermYears { get; set; }
    public string? Method { get; set; }
    public decimal? Amount { get; set; }
    public string? Reference { get; set; }

    /// <summary>The parsed terms; format errors go to <paramref name="errors"/> (the caller throws them all at once).</summary>
    protected TradeTerms ParseTerms(FieldErrors errors)
    {
        if (!RegionCode.TryParse(Region, out var region, out var regionError)) errors.Add("region", regionError);
        if (!Pollutants.TryParse(Pollutant, out var pollutant)) errors.Add("pollutant", $"must be one of {Pollutants.Names}");
        if (!Holder.TryParse(Seller, allowReserve: true, out var seller, out var sellerError)) errors.Add("seller", sellerError!);
        if (!Holder.TryParse(Buyer, allowReserve: false, out var buyer, out var buyerError)) errors.Add("buyer", buyerError!);
        var quantity = Primitives.Quantity.Zero;
        if (Quantity is null) errors.Add("quantity", "is required");
        else if (!Primitives.Quantity.TryFromTonnes(Quantity.Value, out quantity, out var qError)) errors.Add("quantity", qError);
        var price = Money.Zero;
        if (UnitPrice is null) errors.Add("unitPrice", "is required");
        else if (!Money.TryFromYuan(UnitPrice.Value, allowZero: false, out price, out var pError)) errors.Add("unitPrice", pError);
        if (TermYears is null) errors.Add("termYears", "is required");
        else if (TermYears is < 1 or > 5) errors.Add("termYears", "must be 1 to 5 years");
        var method = TradeMethod.Agreement;
        if (Method is null) errors.Add("method", "is required");
        else if (!Ratings.TryParseName(Method, out method)) errors.Add("method", $"must be one of {Ratings.Names<TradeMethod>()}");
        Money? amount = null;
        if (Amount is { } given)
        {
            // Beyond the ledger's range is a broken rule (422, in CheckTerms), not a format error.
            if (given <= 0) errors.Add("amount", "must be greater than 0");
            else if (decimal.Round(given, 2) != given) errors.Add("amount", "has more than 2 decimals (1 fen)");
            else if (given <= MaxTradeAmountFen / 100m) amount = Money.FromFen((long)(given * 100));
        }
        var reference = Reference?.Trim();
        if (reference is { Length: > 200 }) errors.Add("reference", "has at most 200 characters");
        return new TradeTerms(new MarketId(region, pollutant), seller, buyer, quantity, price, TermYears ?? 0, method, amount, Amount,
            string.IsNullOrEmpty(reference) ? null : reference);
    }

    /// <summary>
    /// The rules a request breaks on its own (422): seller = buyer, reserve sale consistency, an amount that rounds to
    /// nothing, exceeds the ledger's range, or does not equal round(quantity × unitPrice × termYears, 2).
    /// </summary>
    protected static Money CheckTerms(TradeTerms t)
    {
        if (t.Seller == t.Buyer) throw new RuleViolationException("The seller and the buyer are the same party.");
        if (t.Method == TradeMethod.ReserveSale && !t.Seller.IsReserve)
            throw new RuleViolationException("A ReserveSale is sold by the reserve: seller must be \"reserve\".");
        if (t.Seller.IsReserve && t.Method != TradeMethod.ReserveSale)
            throw new RuleViolationException("A sale by the reserve must use the method ReserveSale.");
        Settlement.RequireUnitPriceInRange(t.UnitPrice);
        Money computed;
        try { computed = Amounts.TradeAmount(t.Quantity, t.UnitPrice, t.TermYears); }
        catch (OverflowException) { throw TooLarge(); }
        if (computed.Fen > MaxTradeAmountFen) throw TooLarge();
        if (computed.Fen == 0) throw new RuleViolationException("The trade amount rounds to 0.00 CNY.");
        if (t.GivenAmount is not null && t.Amount is null) throw TooLarge();
        if (t.Amount is { } parsed && parsed != computed)
            throw new RuleViolationException(
                $"amount {parsed.Yuan:0.00} does not equal quantity × unitPrice × termYears rounded to the fen ({computed.Yuan:0.00}).",
                "The amount does not match.");
        return computed;
    }

    /// <summary>
    /// A trade of these terms would stay within the ledger's range (422 otherwise): unit price at most 10,000,000.00 per
    /// t·a and amount at most 10^13 CNY; for offers that trade later (listings, auctions, bids).
    /// </summary>
    public static void RequireAmountInRange(Primitives.Quantity quantity, Money unitPrice, int termYears)
    {
        Settlement.RequireUnitPriceInRange(unitPrice);
        Money amount;
        try { amount = Amounts.TradeAmount(quantity, unitPrice, termYears); }
        catch (OverflowException) { throw TooLarge(); }
        if (amount.Fen > MaxTradeAmountFen) throw TooLarge();
    }

    private static RuleViolationException TooLarge() => new(
        "quantity × unitPrice × termYears is beyond the ledger's range (at most 10,000,000,000,000.00 CNY for one trade).",
        "Beyond the ledger's range.");

    protected sealed record TradeTerms(MarketId Market, Holder Seller, Holder Buyer, Primitives.Quantity Quantity, Money UnitPrice,
        int TermYears, TradeMethod Method, Money? Amount, decimal? GivenAmount, string? Reference);
}

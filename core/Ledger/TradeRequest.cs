using System.Security.Cryptography;
using System.Text;
using Trading.Core.Primitives;

namespace Trading.Core.Ledger;

public enum TradeMethod
{
    Agreement,
    Listing,
    Auction,
    ReserveSale,
}

/// <summary>A party to a trade or a holder of rights: an enterprise, or the market's government reserve (政府储备).</summary>
public readonly record struct Holder
{
    public const string ReserveName = "reserve";

    private readonly string? _value;
    private Holder(string value) => _value = value;

    public static Holder Reserve { get; } = new(ReserveName);
    public static Holder Of(CreditCode code) => new(code.Value);

    public string Value => _value ?? ReserveName;
    public bool IsReserve => Value == ReserveName;
    public CreditCode? Enterprise => IsReserve ? null : CreditCode.Parse(Value);

    public static bool TryParse(string? text, bool allowReserve, out Holder holder, out string? error)
    {
        holder = default;
        if (text == ReserveName)
        {
            if (!allowReserve) { error = "the reserve cannot take this role"; return false; }
            holder = Reserve;
            error = null;
            return true;
        }
        if (!CreditCode.TryParse(text, out var code, out error))
        {
            error = allowReserve ? $"must be a credit code or \"reserve\": {error}" : error;
            return false;
        }
        holder = Of(code);
        return true;
    }

    public override string ToString() => Value;
}

/// <summary>The body of <c>POST /api/trades</c> as read from JSON, before validation.</summary>
public sealed class TradeInput
{
    public string? Region { get; set; }
    public string? Pollutant { get; set; }
    public string? Seller { get; set; }
    public string? Buyer { get; set; }
    public decimal? Quantity { get; set; }
    public decimal? UnitPrice { get; set; }
    public int? TermYears { get; set; }
    public string? Method { get; set; }
    public string? TradedAt { get; set; }
    public decimal? Amount { get; set; }
    public string? Reference { get; set; }

    /// <summary>
    /// Checks formats (400, all bad fields at once), then the rules a request can break on its own (422):
    /// seller = buyer, amount mismatch, tradedAt in the future or before 2000, reserve sale consistency.
    /// </summary>
    public TradeRequest Validate(DateTimeOffset now)
    {
        var errors = new FieldErrors();
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
        else if (!Primitives.Ratings.TryParseName(Method, out method)) errors.Add("method", $"must be one of {Primitives.Ratings.Names<TradeMethod>()}");
        if (!Timestamps.TryParse(TradedAt, out var tradedAt, out var tError)) errors.Add("tradedAt", tError);
        Money? amount = null;
        if (Amount is not null)
        {
            if (Money.TryFromYuan(Amount.Value, allowZero: false, out var a, out var aError)) amount = a;
            else errors.Add("amount", aError);
        }
        var reference = Reference?.Trim();
        if (reference is { Length: > 200 }) errors.Add("reference", "has at most 200 characters");
        errors.ThrowIfAny();

        if (seller == buyer) throw new RuleViolationException("The seller and the buyer are the same party.");
        if (method == TradeMethod.ReserveSale && !seller.IsReserve)
            throw new RuleViolationException("A ReserveSale is sold by the reserve: seller must be \"reserve\".");
        if (seller.IsReserve && method != TradeMethod.ReserveSale)
            throw new RuleViolationException("A sale by the reserve must use the method ReserveSale.");
        if (tradedAt > now + TimeSpan.FromMinutes(5))
            throw new RuleViolationException($"tradedAt {Timestamps.Format(tradedAt)} is in the future.");
        if (tradedAt < new DateTimeOffset(2000, 1, 1, 0, 0, 0, ReportingMonth.ChinaOffset))
            throw new RuleViolationException("tradedAt is before 2000-01-01.");

        Money computed;
        try { computed = Amounts.TradeAmount(quantity, price, TermYears!.Value); }
        catch (OverflowException) { throw ValidationException.For("amount", "quantity × unitPrice × termYears is too large"); }
        if (computed.Fen == 0) throw new RuleViolationException("The trade amount rounds to 0.00 CNY.");
        if (amount is { } given && given != computed)
            throw new RuleViolationException(
                $"amount {given.Yuan:0.00} does not equal quantity × unitPrice × termYears rounded to the fen ({computed.Yuan:0.00}).",
                "The amount does not match.");

        return new TradeRequest(new MarketId(region, pollutant), seller, buyer, quantity, price, TermYears!.Value, method,
            tradedAt, computed, string.IsNullOrEmpty(reference) ? null : reference);
    }
}

/// <summary>A validated trade request. Invariants: seller ≠ buyer, amount = round(q × p × years, 2) &gt; 0.</summary>
public sealed record TradeRequest(
    MarketId Market,
    Holder Seller,
    Holder Buyer,
    Quantity Quantity,
    Money UnitPrice,
    int TermYears,
    TradeMethod Method,
    DateTimeOffset TradedAt,
    Money Amount,
    string? Reference)
{
    public ReportingMonth Month => ReportingMonth.Of(TradedAt);

    /// <summary>
    /// Fingerprint of the request's meaning (not its formatting): 8.074 and 8.0740 are the same body.
    /// Used to tell an idempotent replay from a reused key.
    /// </summary>
    public string Fingerprint()
    {
        var canonical = string.Join('\n', Market.Key, Seller.Value, Buyer.Value, Quantity.Grams, UnitPrice.Fen, TermYears,
            Method, TradedAt.UtcTicks, Amount.Fen, Reference ?? "");
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }
}

using Trading.Core.Primitives;

namespace Trading.Core.Ledger;

/// <summary>The body of <c>POST /api/trades</c> as read from JSON, before validation.</summary>
public sealed class TradeInput : TradeTermsInput
{
    public string? TradedAt { get; set; }

    /// <summary>
    /// Checks formats (400, all bad fields at once), then the rules a request can break on its own (422):
    /// seller = buyer, amount mismatch or beyond range, tradedAt in the future or before 2000, reserve sale consistency.
    /// </summary>
    public TradeRequest Validate(DateTimeOffset now)
    {
        var errors = new FieldErrors();
        var terms = ParseTerms(errors);
        if (!Timestamps.TryParse(TradedAt, out var tradedAt, out var tError)) errors.Add("tradedAt", tError);
        errors.ThrowIfAny();

        var amount = CheckTerms(terms);
        if (tradedAt > now + TimeSpan.FromMinutes(5))
            throw new RuleViolationException($"tradedAt {Timestamps.Format(tradedAt)} is in the future.");
        if (tradedAt < new DateTimeOffset(2000, 1, 1, 0, 0, 0, ReportingMonth.ChinaOffset))
            throw new RuleViolationException("tradedAt is before 2000-01-01.");
        return new TradeRequest(terms.Market, terms.Seller, terms.Buyer, terms.Quantity, terms.UnitPrice, terms.TermYears, terms.Method,
            tradedAt, amount, terms.Reference);
    }
}

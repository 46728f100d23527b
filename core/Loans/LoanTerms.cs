using Trading.Core.Primitives;

namespace Trading.Core.Loans;

/// <summary>A loan's terms as a bank grants them: amount, annual rate, term and grant date (not in the future).</summary>
public sealed record LoanTerms(Money Amount, decimal AnnualRatePct, int TermMonths, DateTimeOffset GrantedAt)
{
    public static LoanTerms Parse(decimal? amount, decimal? annualRatePct, int? termMonths, string? grantedAt, DateTimeOffset now, FieldErrors errors)
    {
        var money = Fields.Price(amount, "amount", errors);
        if (annualRatePct is null) errors.Add("annualRatePct", "is required");
        else if (annualRatePct is <= 0 or > 36 || decimal.Round(annualRatePct.Value, 4) != annualRatePct) errors.Add("annualRatePct", "is a percentage above 0 and at most 36, with at most 4 decimals");
        if (termMonths is null) errors.Add("termMonths", "is required");
        else if (termMonths is < 1 or > 360) errors.Add("termMonths", "must be 1 to 360 months");
        var at = Fields.Timestamp(grantedAt, "grantedAt", errors);
        if (grantedAt is null) errors.Add("grantedAt", "is required");
        if (!errors.Any && at > now + TimeSpan.FromMinutes(5)) throw new RuleViolationException("grantedAt is in the future.");
        if (!errors.Any && at < new DateTimeOffset(2000, 1, 1, 0, 0, 0, ReportingMonth.ChinaOffset)) throw new RuleViolationException("grantedAt is before 2000-01-01.");
        return new LoanTerms(money, annualRatePct ?? 0, termMonths ?? 0, at ?? now);
    }
}

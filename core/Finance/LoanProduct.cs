using System.Globalization;
using Trading.Core.Access;
using Trading.Core.Primitives;

namespace Trading.Core.Finance;

/// <summary>Pledge terms of a 排污权质押贷款: which pollutants' rights are pledged, and the loan-to-value ratio (0, 1].</summary>
public sealed record PledgeTerms(IReadOnlyList<Pollutant> Pollutants, decimal LoanToValue);

/// <summary>
/// A bank's green-loan product and its criteria. Empty <see cref="Industries"/> / <see cref="Regions"/> mean any.
/// Invariants: MinGrade is a real grade, MinCreditRating is Green, Blue or Yellow, 0 ≤ MinAmount ≤ MaxAmount.
/// </summary>
public sealed record LoanProduct(
    BankId Bank,
    string ProductId,
    string Name,
    PerformanceGrade MinGrade,
    bool AllowUngraded,
    CreditRating MinCreditRating,
    bool RequirePositiveList,
    IReadOnlySet<Industry> Industries,
    IReadOnlyList<RegionPrefix> Regions,
    Money MinAmount,
    Money MaxAmount,
    decimal AnnualRatePct,
    int TermMonths,
    PledgeTerms? Pledge,
    DateTimeOffset UpdatedAt) : Writes.IRow
{
    public string Key => $"{Bank.Value}|{ProductId}";

    public TResult Accept<TResult>(Writes.IRowVisitor<TResult> visitor) => visitor.Visit(this);
}

/// <summary>The body of <c>PUT /api/banks/{bankId}/products/{productId}</c> as read from JSON, before validation.</summary>
public sealed class LoanProductInput
{
    public string? Name { get; set; }
    public string? MinGrade { get; set; }
    public bool? AllowUngraded { get; set; }
    public string? MinCreditRating { get; set; }
    public bool? RequirePositiveList { get; set; }
    public List<string>? Industries { get; set; }
    public List<string>? Regions { get; set; }
    public decimal? MinAmount { get; set; }
    public decimal? MaxAmount { get; set; }
    public decimal? AnnualRatePct { get; set; }
    public int? TermMonths { get; set; }
    public PledgeInput? Pledge { get; set; }

    public sealed class PledgeInput
    {
        public List<string>? Pollutants { get; set; }
        public decimal? LoanToValue { get; set; }
    }

    public static bool IsProductId(string? text) =>
        text is { Length: >= 1 and <= 64 } && text.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    public LoanProduct Validate(BankId bank, string? productId, DateTimeOffset now)
    {
        var errors = new FieldErrors();
        if (!IsProductId(productId)) errors.Add("productId", "has 1–64 letters, digits, '-' or '_'");
        var name = Name?.Trim();
        if (string.IsNullOrEmpty(name)) errors.Add("name", "is required");
        else if (name.Length > 200) errors.Add("name", "has at most 200 characters");
        var minGrade = PerformanceGrade.D;
        if (MinGrade is null) errors.Add("minGrade", "is required");
        else if (!Ratings.TryParseGrade(MinGrade, out minGrade) || minGrade == PerformanceGrade.Ungraded)
            errors.Add("minGrade", "must be one of APlus, A, Leading, B, BMinus, C, D (use allowUngraded for ungraded firms)");
        var minRating = CreditRating.Yellow;
        if (MinCreditRating is null) errors.Add("minCreditRating", "is required");
        else if (!Ratings.TryParseRating(MinCreditRating, out minRating)) errors.Add("minCreditRating", $"must be one of {Ratings.Names<CreditRating>()}");
        else if (minRating is CreditRating.Red or CreditRating.Black) errors.Add("minCreditRating", "Red and Black firms get no new loans: use Green, Blue or Yellow");
        var industries = new HashSet<Industry>();
        foreach (var (text, i) in (Industries ?? []).Select((t, i) => (t, i)))
        {
            if (Ratings.TryParseName<Industry>(text, out var industry)) industries.Add(industry);
            else errors.Add($"industries[{i}]", "must be one of the 39 key industries or Other");
        }
        var regions = new List<RegionPrefix>();
        foreach (var (text, i) in (Regions ?? []).Select((t, i) => (t, i)))
        {
            if (RegionPrefix.TryParse(text, out var prefix, out var error)) regions.Add(prefix);
            else errors.Add($"regions[{i}]", error);
        }
        var min = Money.Zero;
        var max = Money.Zero;
        if (MinAmount is null) errors.Add("minAmount", "is required");
        else if (!Money.TryFromYuan(MinAmount.Value, allowZero: true, out min, out var e1)) errors.Add("minAmount", e1);
        if (MaxAmount is null) errors.Add("maxAmount", "is required");
        else if (!Money.TryFromYuan(MaxAmount.Value, allowZero: false, out max, out var e2)) errors.Add("maxAmount", e2);
        if (MinAmount is not null && MaxAmount is not null && min.Fen > max.Fen) errors.Add("minAmount", "must not exceed maxAmount");
        if (AnnualRatePct is null) errors.Add("annualRatePct", "is required");
        else if (AnnualRatePct is <= 0 or > 36 || decimal.Round(AnnualRatePct.Value, 4) != AnnualRatePct) errors.Add("annualRatePct", "must be above 0 and at most 36, with at most 4 decimals");
        if (TermMonths is null) errors.Add("termMonths", "is required");
        else if (TermMonths is < 1 or > 360) errors.Add("termMonths", "must be 1 to 360 months");
        PledgeTerms? pledge = null;
        if (Pledge is not null)
        {
            var pollutants = new List<Pollutant>();
            if (Pledge.Pollutants is not { Count: > 0 }) errors.Add("pledge.pollutants", "name at least one pollutant");
            foreach (var (text, i) in (Pledge.Pollutants ?? []).Select((t, i) => (t, i)))
            {
                if (Pollutants.TryParse(text, out var p)) { if (!pollutants.Contains(p)) pollutants.Add(p); }
                else errors.Add($"pledge.pollutants[{i}]", $"must be one of {Pollutants.Names}");
            }
            if (Pledge.LoanToValue is not { } ltv) errors.Add("pledge.loanToValue", "is required");
            else if (ltv is <= 0 or > 1 || decimal.Round(ltv, 4) != ltv) errors.Add("pledge.loanToValue", "must be above 0 and at most 1, with at most 4 decimals");
            pledge = new PledgeTerms(pollutants, Pledge.LoanToValue ?? 0);
        }
        errors.ThrowIfAny();
        return new LoanProduct(bank, productId!, name!, minGrade, AllowUngraded ?? false, minRating, RequirePositiveList ?? false,
            industries, regions.Distinct().ToList(), min, max, AnnualRatePct!.Value, TermMonths!.Value, pledge, now);
    }
}

public static class Text
{
    public static string Yuan(Money m) => m.Yuan.ToString("#,##0.00", CultureInfo.InvariantCulture);
}

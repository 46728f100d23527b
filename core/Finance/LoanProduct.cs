using Trading.Core.Access;
using Trading.Core.Primitives;

namespace Trading.Core.Finance;

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

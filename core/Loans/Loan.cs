using Trading.Core.Access;
using Trading.Core.Primitives;
using Trading.Core.Writes;

namespace Trading.Core.Loans;

/// <summary>
/// A green loan a bank granted: through an application on the platform, or at a matchmaking event (政银企对接) and
/// recorded afterwards. It counts in the figures of its grant date (China time) and of the borrower's registered region.
/// </summary>
public sealed record Loan(
    BankId Bank,
    long Number,
    CreditCode Borrower,
    RegionCode BorrowerRegion,
    string? ProductId,
    Money Amount,
    decimal AnnualRatePct,
    int TermMonths,
    DateTimeOffset GrantedAt,
    string? Reference,
    LoanStatus Status,
    DateTimeOffset RecordedAt,
    string RecordedBy,
    string? ApplicationId = null,
    string? PledgeId = null,
    DateTimeOffset? RepaidAt = null,
    bool PledgeReleased = false) : IRow
{
    public TResult Accept<TResult>(IRowVisitor<TResult> visitor) => visitor.Visit(this);

    /// <summary>Repaid with its pledge not yet released: the loan process releases it (a retry of the repayment, or the finisher).</summary>
    public bool Pending => Status == LoanStatus.Repaid && PledgeId is not null && !PledgeReleased;

    public string Id => IdOf(Bank, Number);
    public ReportingMonth Month => ReportingMonth.Of(GrantedAt);

    public static string IdOf(BankId bank, long number) => $"{bank.Value}-LN{number}";

    public static bool TryParseId(string? text, out BankId bank, out long number) => BankIds.TryParse(text, "-LN", out bank, out number);
}

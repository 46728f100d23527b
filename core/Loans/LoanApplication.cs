using Trading.Core.Access;
using Trading.Core.Primitives;
using Trading.Core.Writes;

namespace Trading.Core.Loans;

/// <summary>A firm's application for one of a bank's green-loan products, with the bank's decision once made.</summary>
public sealed record LoanApplication(
    BankId Bank,
    long Number,
    string ProductId,
    CreditCode Applicant,
    Money Amount,
    string? Purpose,
    ApplicationStatus Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset? DecidedAt = null,
    string? DecidedBy = null,
    string? Reason = null,
    string? LoanId = null) : IRow
{
    public TResult Accept<TResult>(IRowVisitor<TResult> visitor) => visitor.Visit(this);

    public string Id => IdOf(Bank, Number);

    public static string IdOf(BankId bank, long number) => $"{bank.Value}-LA{number}";

    public static bool TryParseId(string? text, out BankId bank, out long number) => BankIds.TryParse(text, "-LA", out bank, out number);
}

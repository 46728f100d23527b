using Trading.Core.Access;
using Trading.Core.Finance;
using Trading.Core.Ledger;
using Trading.Core.Primitives;
using Text = Trading.Core.Finance.Text;

namespace Trading.Core.Loans.UseCases;

/// <summary>
/// A firm applies for a product: accepted (<c>submitted</c>) only when it is eligible now and asks an amount within the
/// product's range and its limit; otherwise 422 with the reasons. <paramref name="Eligibility"/> is the evaluation of
/// this product for this firm at the time of the request.
/// </summary>
public sealed record SubmitApplication(LoanProduct Product, CreditCode Applicant, Money Amount, string? Purpose, EligibilityResult Eligibility)
    : IBankUseCase<LoanApplication>
{
    public BankId Bank => Product.Bank;
    public string Action => "application.submitted";
    public string? Fingerprint => Hashing.Sha256Hex(string.Join('\n', "application", Product.Key, Applicant.Value, Amount.Fen, Purpose ?? ""));
    public BankReads Reads => BankReads.HeadOnly;

    public Decision<LoanApplication> Decide(BankSnapshot snapshot, UseCaseContext context)
    {
        if (context.Caller.Role != Role.Enterprise || context.Caller.Subject != Applicant.Value)
            throw new ForbiddenException("An enterprise applies for loans for itself only.");
        var reasons = Eligibility.Reasons.ToList();
        if (reasons.Count == 0 && Amount < Product.MinAmount)
            reasons.Add($"the amount {Text.Yuan(Amount)} CNY is below the product's minimum of {Text.Yuan(Product.MinAmount)} CNY");
        if (reasons.Count == 0 && Eligibility.Limit is { } limit && Amount > limit)
            reasons.Add($"the amount {Text.Yuan(Amount)} CNY is above the firm's limit of {Text.Yuan(limit)} CNY for this product");
        if (reasons.Count > 0)
        {
            var ex = new RuleViolationException($"{Applicant} cannot apply for {Product.Key}: {string.Join("; ", reasons)}.", "Not eligible.");
            ex.Extensions["reasons"] = reasons;
            throw ex;
        }
        var head = snapshot.Head;
        var number = checked(head.Value.Applications + 1);
        var application = new LoanApplication(Bank, number, Product.ProductId, Applicant, Amount, Purpose, ApplicationStatus.Submitted, context.Now);
        return new Decision<LoanApplication>(application, [RowChange.New(application), RowChange.Of(head, head.Value with { Applications = number })], null,
            [new AuditEntry(Action, application.Id)]) { ResourceId = application.Id };
    }
}

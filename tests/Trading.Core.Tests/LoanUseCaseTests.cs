using Trading.Core.Access;
using Trading.Core.Finance;
using Trading.Core.Ledger;
using Trading.Core.Loans;
using Trading.Core.Loans.UseCases;
using Trading.Core.Primitives;

using Trading.Core.Tests.Support;

namespace Trading.Core.Tests;

public sealed class LoanUseCaseTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 10, 0, 0, TimeSpan.FromHours(8));
    private static readonly BankId Icbc = BankId.TryParse("ICBC-LF", out var b, out _) ? b : default;
    private static readonly CreditCode Firm = CreditCode.FromBody("91131000MA0000001");

    private static LoanProduct Product() => new LoanProductInput
    {
        Name = "绿色技改贷", MinGrade = "B", MinCreditRating = "Blue", Industries = [], Regions = ["1310"], MinAmount = 100_000m, MaxAmount = 1_000_000m,
        AnnualRatePct = 3.2m, TermMonths = 24,
    }.Validate(Icbc, "green", Now);

    private static EligibilityResult Eligible(decimal limit) => new(true, Money.FromFen((long)(limit * 100)), [], [], PerformanceGrade.A);

    [Fact]
    public void An_application_is_refused_with_reasons_when_not_eligible_or_above_the_limit()
    {
        var snapshot = new BankSnapshot(Icbc);
        var context = new UseCaseContext(Principal.Enterprise(Firm), Now, "k");
        var notEligible = new EligibilityResult(false, null, ["grade C is below the required B"], [], PerformanceGrade.C);
        var ex = Assert.Throws<RuleViolationException>(() => UseCaseRunner.Run(new SubmitApplication(Product(), Firm, Money.FromFen(50_000_000), null, notEligible), snapshot, context, TestEvents.Renderer));
        Assert.Equal(["grade C is below the required B"], (List<string>)ex.Extensions["reasons"]!);
        var over = Assert.Throws<RuleViolationException>(() => UseCaseRunner.Run(new SubmitApplication(Product(), Firm, Money.FromFen(60_000_000), null, Eligible(500_000m)), snapshot, context, TestEvents.Renderer));
        Assert.Contains("above the firm's limit", ((List<string>)over.Extensions["reasons"]!)[0]);
        var ok = UseCaseRunner.Run(new SubmitApplication(Product(), Firm, Money.FromFen(50_000_000), "技改", Eligible(500_000m)), snapshot, context, TestEvents.Renderer);
        Assert.Equal(ApplicationStatus.Submitted, ok.Answer!.Status);
        Assert.Contains(ok.Changes, c => c.Row is IdempotencyRecord);
    }

    [Fact]
    public void Granting_records_the_loan_once_and_declining_after_is_a_conflict()
    {
        var application = new LoanApplication(Icbc, 1, "green", Firm, Money.FromFen(50_000_000), null, ApplicationStatus.Submitted, Now);
        var snapshot = new BankSnapshot(Icbc) { Applications = new Dictionary<long, Versioned<LoanApplication>> { [1] = new(application, "v1") } };
        var terms = new LoanTerms(Money.FromFen(50_000_000), 3.2m, 24, Now);
        var bank = new UseCaseContext(Principal.Bank(Icbc), Now);
        var grant = UseCaseRunner.Run(new DecideApplication(Icbc, 1, new ApprovalRequest(terms, null, null, Money.Zero, RegionCode.Parse("131000")), null), snapshot, bank, TestEvents.Renderer);
        var loan = Assert.Single(grant.Changes.Select(c => c.Row).OfType<Loan>());
        Assert.Equal((Firm, 50_000_000L, "ICBC-LF-LN1"), (loan.Borrower, loan.Amount.Fen, loan.Id));
        var granted = snapshot with { Applications = new Dictionary<long, Versioned<LoanApplication>> { [1] = new(grant.Answer!, "v2") } };
        Assert.True(UseCaseRunner.Run(new DecideApplication(Icbc, 1, new ApprovalRequest(terms, null, null, Money.Zero, RegionCode.Parse("131000")), null), granted, bank, TestEvents.Renderer).WritesNothing);
        var ex = Assert.Throws<ConflictException>(() => UseCaseRunner.Run(new DecideApplication(Icbc, 1, null, "no"), granted, bank, TestEvents.Renderer));
        Assert.Equal("granted", ex.Extensions["state"]);
        var other = BankId.TryParse("BOC-LF", out var boc, out _) ? boc : default;
        Assert.Throws<NotFoundException>(() => UseCaseRunner.Run(new DecideApplication(Icbc, 1, new ApprovalRequest(terms, null, null, Money.Zero, RegionCode.Parse("131000")), null), snapshot,
            new UseCaseContext(Principal.Bank(other), Now)));
    }
}

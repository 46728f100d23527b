using Trading.Core.Access;
using Trading.Core.Finance;
using Trading.Core.Ledger;
using Trading.Core.Loans;
using Trading.Core.Loans.UseCases;
using Trading.Core.Primitives;
using Trading.Core.Tests.Support;

namespace Trading.Core.Tests;

public sealed class LoanFiguresTests
{
    private static BankId Bank(string id) => BankId.TryParse(id, out var b, out _) ? b : throw new ArgumentException(id);

    [Fact]
    public void A_firm_counts_once_however_many_loans_and_months_and_banks()
    {
        var firm = CreditCode.FromBody("91131000MA0000001");
        var region = RegionCode.Parse("131000");
        var counters = new[]
        {
            new LoanCounter(region, new ReportingMonth(2024, 1), Bank("ICBC-LF"), firm, 2, 300_000_000),
            new LoanCounter(region, new ReportingMonth(2024, 3), Bank("ICBC-LF"), firm, 1, 100_000_000),
            new LoanCounter(region, new ReportingMonth(2024, 3), Bank("BOC-LF"), firm, 1, 50_000_000),
        };
        var totals = LoanTotals.Of(counters);
        Assert.Equal((1, 4, 450_000_000L), (totals.Firms, totals.Loans, totals.Amount.Fen));
        Assert.Equal([("BOC-LF", 1L, 1L), ("ICBC-LF", 1L, 3L)], totals.ByBank.Select(b => (b.Bank.Value, b.Firms, b.Loans)));
    }

    [Fact]
    public void The_sentence_reads_as_officials_publish_it()
    {
        var counters = Enumerable.Range(0, 21).Select(i => new LoanCounter(RegionCode.Parse("131000"), new ReportingMonth(2024, 1 + i % 6), Bank("ICBC-LF"),
            CreditCode.FromBody($"91131000MA{i:D7}"), 1, i == 0 ? 33_500_000_000L - 20 * 1_000_000_000L : 1_000_000_000L));
        Assert.Equal("帮助21家企业成功获得绿色金融贷款3.35亿元", LoanTotals.Of(counters).Sentence());
        Assert.Equal("帮助1家企业成功获得绿色金融贷款500.00万元", LoanTotals.Of([new LoanCounter(RegionCode.Parse("131000"), new ReportingMonth(2024, 1),
            Bank("ICBC-LF"), CreditCode.FromBody("91131000MA0000001"), 1, 500_000_000)]).Sentence());
    }

    [Fact]
    public void Counters_equal_brute_force_over_generated_loans_for_every_prefix_and_range()
    {
        var random = new Random(5);
        string[] regions = ["131000", "131024", "131081", "130100", "130102"];
        string[] banks = ["ICBC-LF", "BOC-LF", "CCB-HB"];
        var firms = Enumerable.Range(0, 40).Select(i => (Code: CreditCode.FromBody($"91{regions[i % regions.Length]}MA{i:D7}"), Region: RegionCode.Parse(regions[i % regions.Length]))).ToList();
        var loans = Enumerable.Range(0, 600).Select(i =>
        {
            var f = firms[random.Next(firms.Count)];
            return (f.Code, f.Region, Bank: Bank(banks[random.Next(banks.Length)]), Month: new ReportingMonth(2023, 1).AddMonths(random.Next(24)), Fen: (long)random.Next(1, 1_000_000) * 100);
        }).ToList();
        // The counters as the ledger keeps them: one per (region, month, bank, borrower).
        var counters = loans.GroupBy(l => (l.Region, l.Month, l.Bank, l.Code))
            .Select(g => new LoanCounter(g.Key.Region, g.Key.Month, g.Key.Bank, g.Key.Code, g.Count(), g.Sum(l => l.Fen))).ToList();
        foreach (var prefix in new[] { "", "13", "1310", "131000", "1301" })
            foreach (var (from, to) in new[] { (new ReportingMonth(2024, 1), new ReportingMonth(2024, 6)), (new ReportingMonth(2023, 3), new ReportingMonth(2024, 11)), (new ReportingMonth(2023, 5), new ReportingMonth(2023, 5)) })
            {
                var expected = loans.Where(l => l.Region.Value.StartsWith(prefix, StringComparison.Ordinal) && l.Month >= from && l.Month <= to).ToList();
                var actual = LoanTotals.Of(counters.Where(c => c.Region.Value.StartsWith(prefix, StringComparison.Ordinal) && c.Month >= from && c.Month <= to));
                Assert.Equal(expected.Select(l => l.Code).Distinct().Count(), actual.Firms);
                Assert.Equal(expected.Count, actual.Loans);
                Assert.Equal(expected.Sum(l => l.Fen), actual.Amount.Fen);
            }
    }
}

public sealed class PledgeSizingTests
{
    [Fact]
    public void A_loan_binds_the_quantity_whose_value_covers_it_rounded_up_to_the_gram()
    {
        var product = new LoanProductInput
        {
            Name = "质押贷", MinGrade = "B", MinCreditRating = "Blue", Industries = [], Regions = [], MinAmount = 1m, MaxAmount = 10_000_000m,
            AnnualRatePct = 3.45m, TermMonths = 36, Pledge = new LoanProductInput.PledgeInput { Pollutants = ["PM"], LoanToValue = 0.7m },
        }.Validate(BankId.TryParse("HXB-LF", out var b, out _) ? b : default, "p", DateTimeOffset.UtcNow);
        // 3,000.00 per t·yr (12,000.00 for 2 t × 2 years): 600,000 / (3,000 × 3 × 0.7) = 95.238095… t → 95.238096 t.
        var price = new MarketPrice(1_200_000, 4_000_000);
        Assert.Equal(95_238_096, PledgeSizing.Needed(Money.FromFen(60_000_000), price, product).Grams);
        Assert.Equal(2, PledgeSizing.Needed(Money.FromFen(1), price, product).Grams); // a gram is worth 0.63 fen: 1 fen needs 2 g
    }
}

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

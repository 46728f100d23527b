using Trading.Core.Access;
using Trading.Core.Finance;
using Trading.Core.Ledger;
using Trading.Core.Loans;
using Trading.Core.Loans.UseCases;
using Trading.Core.Primitives;
using Trading.Core.Tests.Support;

namespace Trading.Core.Tests;

/// <summary>
/// The pledge-loan process on in-memory partitions (one bank's book, one market): consent (at most what was applied for,
/// at most what was offered), release on every end, and all or nothing for every reader when it stops after any step.
/// </summary>
public sealed class LoanProcessTests
{
    private static readonly BankId Icbc = BankId.TryParse("ICBC-LF", out var b, out _) ? b : default;
    private static readonly CreditCode Firm = CreditCode.FromBody("91131000MA0000001");
    private static readonly Holder Holder = Holder.Of(Firm);
    private static readonly MarketId So2 = new(RegionCode.Parse("131000"), Pollutant.SO2);
    private static readonly Quantity Held = Quantity.FromGrams(65_044_000);
    private static readonly Quantity Offered = Quantity.FromGrams(65_044_000);

    /// <summary>1,000.00 CNY per t·yr: 100,000.00 CNY over 36 months at 0.7 needs 47.619048 t.</summary>
    private static readonly MarketPrice Price = new(100_000, 1_000_000);

    private static readonly LoanProduct Product = new LoanProductInput
    {
        Name = "排污权质押贷", MinGrade = "B", MinCreditRating = "Blue", Industries = [], Regions = ["1310"], MinAmount = 50_000m, MaxAmount = 20_000_000m,
        AnnualRatePct = 3.45m, TermMonths = 36, Pledge = new LoanProductInput.PledgeInput { Pollutants = ["SO2", "NOx"], LoanToValue = 0.7m },
    }.Validate(Icbc, "pledge-so2-nox", new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    private static readonly EligibilityResult Eligible = new(true, Money.FromFen(2_000_000_000), [], [], PerformanceGrade.A);
    private static readonly Money Applied = Money.FromFen(10_000_000);

    private sealed class World
    {
        public InMemoryBank Bank { get; } = new(Icbc);
        public InMemoryMarket Market { get; } = new(So2);
        public InMemoryLoanSteps Steps { get; }

        public World()
        {
            Steps = new InMemoryLoanSteps(Bank, Market);
            Assert.True(Market.TryCommit([RowChange.New(new Holding(Holder, Held, Quantity.Zero, Quantity.Zero))]));
        }

        public Holding Holding => Market.Holding(Holder);
        public LoanApplication Application => Bank.Application(1)!;
        public List<Pledge> Pledges(PledgeStatus status) => Market.All<Pledge>().Where(p => p.Status == status).ToList();
        public Pledge? Offer => Application.Offer?.Pledge is { } n ? Market.Pledge(n) : null;
        public int Writes => Bank.Commits + (int)Market.Head.AuditCount;

        /// <summary>The application and its loan as a reader sees them.</summary>
        public (LoanApplication Application, Loan? Loan)? Seen() => LoanGrant.Resolve(Application, Offer, Application.LoanId is { } id && Loan.TryParseId(id, out _, out var n) ? Bank.Loan(n) : null);

        public Task SubmitAsync(Quantity? offered = null, string key = "apply-1") =>
            SubmitAsync(new SubmitApplication(Product, Firm, Applied, "技改", Eligible, new OfferedRights(So2, offered ?? Offered, Price, Holding.Available)), key);

        public async Task SubmitAsync(SubmitApplication submit, string key)
        {
            await Steps.KeyedBankAsync(submit, Principal.Enterprise(Firm), key);
            await LoanProcess.SettleAsync(Steps, Icbc, 1, default);
        }

        /// <summary>The approve endpoint's flow: settle, decide, settle.</summary>
        public async Task ApproveAsync(Money? amount = null, Quantity? take = null)
        {
            await LoanProcess.SettleAsync(Steps, Icbc, 1, default);
            await Steps.BankAsync(new DecideApplication(Icbc, 1, Approval(amount, take), null), Principal.Bank(Icbc), default);
            await LoanProcess.SettleAsync(Steps, Icbc, 1, default);
        }

        public async Task EndAsync(IBankUseCase<LoanApplication> end, Principal by)
        {
            await LoanProcess.SettleAsync(Steps, Icbc, 1, default);
            await Steps.BankAsync(end, by, default);
            await LoanProcess.SettleAsync(Steps, Icbc, 1, default);
        }

        public Task FinishAsync() => LoanProcess.SettleAsync(Steps, Icbc, 1, default);

        /// <summary>
        /// What every reader must see, whatever step the process stopped after: granted with its loan and its active pledge,
        /// or no loan and no active pledge; and the holding carries exactly its active pledges and frozen offers.
        /// </summary>
        public bool AssertWhole()
        {
            var seen = Seen();
            var active = Pledges(PledgeStatus.Active);
            Assert.Equal(active.Aggregate(Quantity.Zero, (s, p) => s.Add(p.Request.Quantity)), Holding.Pledged);
            Assert.Equal(Pledges(PledgeStatus.Offered).Aggregate(Quantity.Zero, (s, p) => s.Add(p.Request.Quantity)), Holding.Frozen);
            Assert.True(Holding.Held >= Holding.Pledged.Add(Holding.Frozen));
            if (seen is { Application.Status: ApplicationStatus.Granted } granted)
            {
                var pledge = Assert.Single(active);
                var loan = Assert.IsType<Loan>(granted.Loan);
                Assert.Equal(pledge.Id, loan.PledgeId);
                Assert.Equal(granted.Application.LoanId, loan.Id);
                Assert.True(Bank.All<Loan>().Count() <= 1);
                return true;
            }
            Assert.Empty(active);
            Assert.Null(seen?.Loan);
            Assert.Empty(Bank.All<Loan>());
            return false;
        }
    }

    private static ApprovalRequest Approval(Money? amount = null, Quantity? take = null) =>
        new(new LoanTerms(amount ?? Applied, 3.45m, 36, new DateTimeOffset(2026, 11, 23, 9, 0, 0, TimeSpan.FromHours(8))), take, null, Product.MinAmount,
            RegionCode.Parse("131000"));

    [Fact]
    public async Task Submission_freezes_the_offer_and_approval_pledges_what_the_bank_takes_and_returns_the_rest()
    {
        var w = new World();
        await w.SubmitAsync();
        Assert.Equal(ApplicationStatus.Submitted, w.Application.Status);
        Assert.Equal((Offered, Quantity.Zero, Quantity.Zero), (w.Holding.Frozen, w.Holding.Pledged, w.Holding.Available));
        Assert.Equal(PledgeStatus.Offered, w.Offer!.Status);

        var take = Quantity.FromGrams(50_000_000);
        await w.ApproveAsync(Money.FromFen(8_000_000), take);
        Assert.True(w.AssertWhole());
        Assert.Equal((Quantity.Zero, take, Quantity.FromGrams(15_044_000)), (w.Holding.Frozen, w.Holding.Pledged, w.Holding.Available));
        var loan = Assert.Single(w.Bank.All<Loan>());
        Assert.Equal((8_000_000L, w.Offer!.Id, "ICBC-LF-LN1"), (loan.Amount.Fen, loan.PledgeId, loan.Id));
        Assert.Equal((PledgeStatus.Active, take), (w.Offer.Status, w.Offer.Request.Quantity));
        Assert.Equal(loan, w.Seen()!.Value.Loan);
    }

    [Fact]
    public async Task By_default_the_bank_takes_all_that_was_offered()
    {
        var w = new World();
        await w.SubmitAsync(Quantity.FromGrams(60_000_000));
        await w.ApproveAsync();
        Assert.True(w.AssertWhole());
        Assert.Equal((Quantity.FromGrams(60_000_000), Quantity.FromGrams(5_044_000)), (w.Holding.Pledged, w.Holding.Available));
    }

    [Fact]
    public async Task The_demo_repro_is_refused_more_than_applied_for_is_422_and_more_than_offered_is_422_and_nothing_changes()
    {
        var w = new World();
        await w.SubmitAsync(Quantity.FromGrams(50_000_000));
        var before = w.Writes;
        var amount = await Assert.ThrowsAsync<RuleViolationException>(() => w.ApproveAsync(Money.FromFen(2_000_000_000), Quantity.FromGrams(65_044_000)));
        Assert.Contains("at most", amount.Message);
        await Assert.ThrowsAsync<RuleViolationException>(() => w.ApproveAsync(Applied, Quantity.FromGrams(65_044_000)));
        await Assert.ThrowsAsync<RuleViolationException>(() => w.ApproveAsync(Applied, Quantity.FromGrams(50_000_001)));
        // The product's minimum still holds.
        await Assert.ThrowsAsync<RuleViolationException>(() => w.ApproveAsync(Money.FromFen(4_999_999)));
        Assert.Equal(before, w.Writes);
        Assert.Equal(ApplicationStatus.Submitted, w.Application.Status);
        Assert.Equal((Quantity.FromGrams(50_000_000), Quantity.Zero), (w.Holding.Frozen, w.Holding.Pledged));
    }

    [Fact]
    public async Task An_offer_is_required_for_a_pledge_product_must_cover_the_amount_and_be_available()
    {
        var w = new World();
        var none = await Assert.ThrowsAsync<RuleViolationException>(() => w.SubmitAsync(new SubmitApplication(Product, Firm, Applied, null, Eligible), "k1"));
        Assert.Contains("pledge", none.Message);
        var small = await Assert.ThrowsAsync<RuleViolationException>(() => w.SubmitAsync(Quantity.FromGrams(47_619_047), "k2"));
        Assert.Equal(47.619048m, small.Extensions["needed"]);
        var pm = new MarketId(RegionCode.Parse("131000"), Pollutant.PM);
        await Assert.ThrowsAsync<RuleViolationException>(() => w.SubmitAsync(new SubmitApplication(Product, Firm, Applied, null, Eligible, new OfferedRights(pm, Offered, Price, Offered)), "k3"));
        var over = await Assert.ThrowsAsync<ConflictException>(() => w.SubmitAsync(Quantity.FromGrams(65_044_001), "k4"));
        Assert.Equal(65.044m, over.Extensions["available"]);
        var plain = new LoanProductInput
        {
            Name = "绿色技改贷", MinGrade = "B", MinCreditRating = "Blue", Industries = [], Regions = [], MinAmount = 1m, MaxAmount = 1_000_000m, AnnualRatePct = 3.2m, TermMonths = 24,
        }.Validate(Icbc, "green", new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        await Assert.ThrowsAsync<ValidationException>(() => w.SubmitAsync(new SubmitApplication(plain, Firm, Applied, null, Eligible, new OfferedRights(So2, Offered, Price, Offered)), "k5"));
        Assert.Equal(0, w.Writes);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Approval_stopped_after_each_step_and_resumed_ends_granted_with_its_pledge_or_with_nothing_held(bool resumeByRetry)
    {
        for (var stopAfter = 0; ; stopAfter++)
        {
            var w = new World();
            await w.SubmitAsync();
            w.Steps.Budget = stopAfter;
            w.Steps.Committed.Clear();
            var stopped = false;
            try { await w.ApproveAsync(take: Quantity.FromGrams(50_000_000)); }
            catch (InMemoryLoanSteps.Stopped) { stopped = true; }
            var approvedBeforeStop = w.Steps.Committed.Contains("application.approved");
            w.AssertWhole();
            w.Steps.Budget = null;
            if (resumeByRetry) await w.ApproveAsync(take: Quantity.FromGrams(50_000_000));
            else await w.FinishAsync();
            // A retry finishes the approval; the finisher finishes one that was recorded and leaves one that was not.
            Assert.Equal(resumeByRetry || approvedBeforeStop, w.AssertWhole());
            if (!resumeByRetry && !approvedBeforeStop) Assert.Equal((ApplicationStatus.Submitted, Offered), (w.Application.Status, w.Holding.Frozen));
            else Assert.Equal((Quantity.FromGrams(50_000_000), Quantity.Zero, ApplicationStatus.Granted), (w.Holding.Pledged, w.Holding.Frozen, w.Application.Status));
            if (!stopped)
            {
                Assert.True(stopAfter >= 3, "the approval takes three writes: terms, pledge, loan");
                break;
            }
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Submission_stopped_after_each_step_and_resumed_is_submitted_with_its_offer_frozen_or_void_with_nothing_held(bool rightsSoldMeanwhile)
    {
        for (var stopAfter = 0; ; stopAfter++)
        {
            var w = new World();
            w.Steps.Budget = stopAfter;
            var stopped = false;
            try { await w.SubmitAsync(); }
            catch (InMemoryLoanSteps.Stopped) { stopped = true; }
            if (!stopped) break;
            if (stopAfter == 0) { Assert.Empty(w.Bank.All<LoanApplication>()); continue; }
            // Nobody sees an application whose offer may not be frozen yet.
            Assert.Null(w.Seen());
            var frozenAlready = w.Holding.Frozen == Offered;
            if (rightsSoldMeanwhile && !frozenAlready)
                Assert.True(w.Market.TryCommit([RowChange.Of(new Versioned<Holding>(w.Holding, VersionOf(w)), w.Holding with { Held = Quantity.FromGrams(10_000_000) })]));
            w.Steps.Budget = null;
            await w.FinishAsync();
            w.AssertWhole();
            if (rightsSoldMeanwhile && !frozenAlready)
            {
                Assert.Equal(ApplicationStatus.Void, w.Application.Status);
                Assert.Null(w.Seen());
                Assert.Equal(Quantity.Zero, w.Holding.Frozen);
            }
            else
            {
                Assert.Equal(ApplicationStatus.Submitted, w.Application.Status);
                Assert.Equal(Offered, w.Holding.Frozen);
                Assert.Single(w.Pledges(PledgeStatus.Offered));
            }
        }
    }

    private static string VersionOf(World w) => w.Market.Snapshot(new OfferPledge(w.Application), new UseCaseContext(Principal.Admin, w.Steps.Now)).Holding(Holder).Version!;

    public static TheoryData<string> Ends => ["withdrawn", "declined", "expired"];

    [Theory]
    [MemberData(nameof(Ends))]
    public async Task Withdrawal_decline_and_expiry_release_the_offer_even_when_stopped_half_way(string end)
    {
        for (var stopAfter = 0; stopAfter < 6; stopAfter++)
        {
            var w = new World();
            await w.SubmitAsync();
            w.Steps.Budget = stopAfter;
            try
            {
                switch (end)
                {
                    case "withdrawn": await w.EndAsync(new WithdrawApplication(Icbc, 1), Principal.Enterprise(Firm)); break;
                    case "declined": await w.EndAsync(new DecideApplication(Icbc, 1, null, "no"), Principal.Bank(Icbc)); break;
                    default: w.Steps.Now += TimeSpan.FromDays(31); await w.FinishAsync(); break;
                }
            }
            catch (InMemoryLoanSteps.Stopped) { }
            w.Steps.Budget = null;
            if (end == "expired") w.Steps.Now = w.Application.CreatedAt + TimeSpan.FromDays(31);
            var ended = w.Application.Status != ApplicationStatus.Submitted;
            await w.FinishAsync();
            Assert.False(w.AssertWhole());
            if (!ended && end != "expired") { Assert.Equal(Offered, w.Holding.Frozen); continue; }
            Assert.Equal(end, StateConflict.Name(w.Application.Status));
            Assert.Equal((Quantity.Zero, Held), (w.Holding.Frozen, w.Holding.Available));
            Assert.Equal(end switch { "withdrawn" => PledgeStatus.Cancelled, "declined" => PledgeStatus.Rejected, _ => PledgeStatus.Expired }, w.Offer!.Status);
            Assert.False(w.Application.Pending);
        }
    }

    [Fact]
    public async Task An_application_past_its_30_days_refuses_approval_and_withdrawal_is_for_the_applicant_while_submitted()
    {
        var w = new World();
        await w.SubmitAsync();
        await Assert.ThrowsAsync<NotFoundException>(() => w.EndAsync(new WithdrawApplication(Icbc, 1), Principal.Enterprise(CreditCode.FromBody("91131000MA0000002"))));
        await Assert.ThrowsAsync<NotFoundException>(() => w.EndAsync(new WithdrawApplication(Icbc, 1), Principal.Bank(Icbc)));
        var other = BankId.TryParse("BOC-LF", out var boc, out _) ? boc : default;
        await Assert.ThrowsAsync<NotFoundException>(() => w.Steps.BankAsync(new DecideApplication(Icbc, 1, Approval(), null), Principal.Bank(other), default));
        w.Steps.Now += TimeSpan.FromDays(30);
        var expired = await Assert.ThrowsAsync<ConflictException>(() => w.Steps.BankAsync(new DecideApplication(Icbc, 1, Approval(), null), Principal.Bank(Icbc), default));
        Assert.Equal("expired", expired.Extensions["state"]);
        await w.FinishAsync();
        var withdraw = await Assert.ThrowsAsync<ConflictException>(() => w.EndAsync(new WithdrawApplication(Icbc, 1), Principal.Enterprise(Firm)));
        Assert.Equal("expired", withdraw.Extensions["state"]);
        Assert.Equal(Quantity.Zero, w.Holding.Frozen);
    }

    [Fact]
    public async Task Repayment_releases_the_pledge_also_when_stopped_before_the_release()
    {
        var w = new World();
        await w.SubmitAsync();
        await w.ApproveAsync(take: Quantity.FromGrams(50_000_000));
        await w.Steps.BankAsync(new RepayLoan(Icbc, 1), Principal.Bank(Icbc), default);
        Assert.True(w.Bank.Loan(1)!.Pending);
        Assert.Equal(Quantity.FromGrams(50_000_000), w.Holding.Pledged);
        w.Steps.Budget = 1;
        await Assert.ThrowsAsync<InMemoryLoanSteps.Stopped>(() => LoanProcess.SettleLoanAsync(w.Steps, Icbc, 1, default));
        Assert.Equal(Quantity.Zero, w.Holding.Pledged);
        w.Steps.Budget = null;
        await LoanProcess.SettleLoanAsync(w.Steps, Icbc, 1, default);
        Assert.Equal((PledgeStatus.Released, Quantity.Zero, Held), (w.Offer!.Status, w.Holding.Pledged, w.Holding.Available));
        Assert.False(w.Bank.Loan(1)!.Pending);
        var writes = w.Writes;
        await LoanProcess.SettleLoanAsync(w.Steps, Icbc, 1, default);
        Assert.Equal(writes, w.Writes);
    }

    [Fact]
    public async Task Replaying_each_step_writes_nothing_twice()
    {
        var w = new World();
        await w.SubmitAsync();
        var submitted = w.Application;
        var offerKey = OfferPledge.Key(submitted);
        var writes = w.Writes;
        // The submission again under the same key, and its market step again under the offer's key: replays.
        await w.SubmitAsync();
        await w.Steps.MarketAsync(new OfferPledge(submitted with { Status = ApplicationStatus.Submitting, Offer = submitted.Offer! with { Pledge = null } }),
            Principal.Enterprise(Firm), offerKey, default);
        await w.Steps.BankAsync(new AdvanceApplication(Icbc, 1, LoanStep.ConfirmSubmission, w.Offer), Principal.Enterprise(Firm), default);
        Assert.Equal(writes, w.Writes);

        await w.ApproveAsync(take: Quantity.FromGrams(50_000_000));
        writes = w.Writes;
        var approving = w.Application with { Status = ApplicationStatus.Approving, LoanId = null, OfferEnded = false };
        await w.Steps.BankAsync(new DecideApplication(Icbc, 1, Approval(take: Quantity.FromGrams(50_000_000)), null), Principal.Bank(Icbc), default);
        await w.Steps.MarketAsync(new ActivateOffer(approving), Principal.Bank(Icbc), null, default);
        await w.Steps.BankAsync(new AdvanceApplication(Icbc, 1, LoanStep.Grant, w.Offer), Principal.Bank(Icbc), default);
        await w.ApproveAsync(take: Quantity.FromGrams(50_000_000));
        await w.FinishAsync();
        Assert.Equal(writes, w.Writes);
        Assert.Single(w.Bank.All<Loan>());
        // Other terms after the grant: 409 granted, nothing written.
        var again = await Assert.ThrowsAsync<ConflictException>(() => w.ApproveAsync(Money.FromFen(9_000_000), Quantity.FromGrams(50_000_000)));
        Assert.Equal("granted", again.Extensions["state"]);
        Assert.Equal(writes, w.Writes);

        var d = new World();
        await d.SubmitAsync();
        await d.EndAsync(new DecideApplication(Icbc, 1, null, "no"), Principal.Bank(Icbc));
        writes = d.Writes;
        await d.EndAsync(new DecideApplication(Icbc, 1, null, "no"), Principal.Bank(Icbc));
        await d.Steps.MarketAsync(new EndOffer(d.Application), Principal.Bank(Icbc), null, default);
        await d.Steps.BankAsync(new AdvanceApplication(Icbc, 1, LoanStep.NoteOfferEnded, d.Offer), Principal.Bank(Icbc), default);
        Assert.Equal(writes, d.Writes);
    }
}

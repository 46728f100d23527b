using Trading.Core.Access;
using Trading.Core.Finance;
using Trading.Core.Ledger;
using Trading.Core.Ledger.UseCases;
using Trading.Core.Loans;
using Trading.Core.Loans.UseCases;
using Trading.Core.Market;
using Trading.Core.Market.UseCases;
using Trading.Core.Primitives;
using Trading.Core.Tests.Support;

namespace Trading.Core.Tests;

/// <summary>
/// Who may do what to which holding, offer, application or loan: every use case against every kind of caller (admin, an
/// official in scope and one out of it, the seller, the buyer, the bank and another bank), run through the real shell on
/// an in-memory market (bank use cases through the runner): the rule lives in the use case, so this reaches all of them.
/// </summary>
public sealed class AccessMatrixTests
{
    public enum Outcome { Ok, Forbidden, NotFound }

    private static readonly DateTimeOffset Now = new(2026, 11, 23, 10, 0, 0, TimeSpan.FromHours(8));
    private static readonly MarketId Market = new(RegionCode.Parse("131000"), Pollutant.SO2);
    private static readonly CreditCode SellerCode = CreditCode.FromBody("91131000MA0000001");
    private static readonly CreditCode BuyerCode = CreditCode.FromBody("91131000MA0000002");
    private static readonly Holder Seller = Holder.Of(SellerCode);
    private static readonly Holder Buyer = Holder.Of(BuyerCode);
    private static readonly BankId Icbc = BankId.TryParse("ICBC-LF", out var b, out _) ? b : default;
    private static readonly BankId Boc = BankId.TryParse("BOC-LF", out var o, out _) ? o : default;

    /// <summary>The callers, in the order of each row's expectations.</summary>
    private static readonly (string Name, Principal Who)[] Callers =
    [
        ("admin", Principal.Admin),
        ("official in scope", Principal.Official(RegionPrefix.Parse("1310"))),
        ("official out of scope", Principal.Official(RegionPrefix.Parse("14"))),
        ("seller", Principal.Enterprise(SellerCode)),
        ("buyer", Principal.Enterprise(BuyerCode)),
        ("bank", Principal.Bank(Icbc)),
        ("other bank", Principal.Bank(Boc)),
    ];

    private const Outcome Y = Outcome.Ok, F = Outcome.Forbidden, N = Outcome.NotFound;

    /// <summary>Use case -> expected outcome per caller (admin, official in, official out, seller, buyer, bank, other bank).</summary>
    private static readonly Dictionary<string, Outcome[]> Expected = new()
    {
        ["RecordTrade"] = [Y, Y, F, F, F, F, F],
        ["Allocate"] = [Y, Y, F, F, F, F, F],
        ["RevokeAllocation"] = [Y, Y, N, N, N, N, N],
        ["ProposeTrade (as seller)"] = [F, F, F, Y, F, F, F],
        ["ConfirmProposal"] = [Y, F, N, F, Y, N, N],
        ["RejectProposal"] = [Y, F, N, F, Y, N, N],
        ["CancelProposal"] = [Y, F, N, Y, F, N, N],
        ["CreatePledge (bank's request)"] = [F, F, F, F, F, Y, F],
        ["CreatePledge (holder's offer)"] = [F, F, F, Y, F, F, F],
        ["CreatePledge (bureau)"] = [Y, Y, F, F, F, F, F],
        ["AcceptPledge (bank's request)"] = [Y, F, N, Y, N, F, N],
        ["ReleasePledge"] = [Y, Y, N, F, N, Y, N],
        ["PostListing (own rights)"] = [F, F, F, Y, F, F, F],
        ["PostListing (reserve)"] = [Y, Y, F, F, F, F, F],
        ["TakeListing (for the buyer)"] = [F, F, F, F, Y, F, F],
        ["WithdrawListing"] = [Y, Y, F, Y, F, F, F],
        ["CreateAuction"] = [Y, Y, F, F, F, F, F],
        ["PlaceBid (for the buyer)"] = [F, F, F, F, Y, F, F],
        ["SettleAuction"] = [Y, F, F, F, F, F, F],
        ["ExpireOffers"] = [Y, F, F, F, F, F, F],
        ["SubmitApplication (for the seller)"] = [F, F, F, Y, F, F, F],
        ["RecordLoan (ICBC)"] = [Y, F, F, F, F, Y, F],
        ["DecideApplication"] = [Y, N, N, N, N, Y, N],
        ["RepayLoan"] = [Y, N, N, N, N, Y, N],
        ["WithdrawApplication"] = [Y, N, N, Y, N, N, N],
        ["AdvanceApplication"] = [Y, N, N, Y, N, Y, N],
        ["NotePledgeReleased"] = [Y, N, N, N, N, Y, N],
        ["OfferPledge (the seller's application)"] = [Y, F, F, Y, F, F, F],
        ["ActivateOffer (ICBC's approval)"] = [Y, F, F, F, F, Y, F],
        ["EndOffer (the seller's application)"] = [Y, F, F, Y, F, Y, F],
    };

    public static TheoryData<string, string> Cells()
    {
        var data = new TheoryData<string, string>();
        foreach (var useCase in Expected.Keys)
            foreach (var (caller, _) in Callers) data.Add(useCase, caller);
        return data;
    }

    [Fact]
    public void Every_use_case_of_every_book_has_a_row()
    {
        var useCases = typeof(RecordTrade).Assembly.GetTypes()
            .Where(t => t.GetInterfaces().Any(i => i.IsGenericType && (i.GetGenericTypeDefinition() == typeof(IMarketUseCase<>) || i.GetGenericTypeDefinition() == typeof(IBankUseCase<>))))
            .Select(t => t.Name).ToList();
        var rows = Expected.Keys.Select(k => k.Split(' ')[0]).ToHashSet();
        // EndProposal and EndPledge appear as the state changes they make (reject, cancel, release).
        rows.UnionWith(["EndProposal", "EndPledge"]);
        Assert.Equal([], useCases.Where(u => !rows.Contains(u)).ToList());
    }

    [Theory]
    [MemberData(nameof(Cells))]
    public void A_caller_does_only_what_its_role_and_scope_allow(string useCase, string caller)
    {
        var index = Array.FindIndex(Callers, c => c.Name == caller);
        var who = Callers[index].Who;
        var expected = Expected[useCase][index];
        var thrown = Record.Exception(() => Act(useCase, who));
        var actual = thrown switch
        {
            null => Outcome.Ok,
            ForbiddenException => Outcome.Forbidden,
            NotFoundException => Outcome.NotFound,
            _ => throw new InvalidOperationException($"{useCase} by {caller}: {thrown.GetType().Name}: {thrown.Message}", thrown),
        };
        Assert.Equal(expected, actual);
        if (actual != Outcome.Ok && Market0 is { } m)
            Assert.Equal(m.Before, m.Market.All<AuditRecord>().Count()); // a refusal writes nothing
    }

    private (InMemoryMarket Market, int Before)? Market0;

    private static UseCaseContext Ctx(Principal who, string? key = null, DateTimeOffset? at = null) => new(who, at ?? Now, key);

    private InMemoryMarket World()
    {
        var market = new InMemoryMarket(Market);
        market.Run(new Allocate(new AllocationRequest(Market, Seller, Quantity.FromGrams(10_000_000), "permit")), Ctx(Principal.Admin, "a1"));
        market.Run(new Allocate(new AllocationRequest(Market, Holder.Reserve, Quantity.FromGrams(10_000_000), "reserve")), Ctx(Principal.Admin, "a2"));
        return market;
    }

    private static TradeRequest Trade() => new(Market, Seller, Buyer, Quantity.FromGrams(1_000_000), Money.FromFen(600_000), 1, TradeMethod.Agreement, Now,
        Money.FromFen(600_000), "contract");

    private static PledgeRequest Pledge() => new(Icbc, Market, Seller, Quantity.FromGrams(1_000_000), Money.FromFen(10_000_000), "loan");

    private static ProposalRequest Proposal() => new ProposalInput
    {
        Region = "131000", Pollutant = "SO2", Seller = Seller.Value, Buyer = Buyer.Value, Quantity = 1m, UnitPrice = 6000m, TermYears = 1, Method = "Agreement",
    }.Validate(Seller, Now);

    private static ListingRequest Listing(Holder seller) => new(Market, seller, Quantity.FromGrams(2_000_000), Money.FromFen(600_000), 1, Quantity.FromGrams(1_000_000), null);

    private void Act(string useCase, Principal who) => Scenario(useCase, who)?.Again();

    /// <summary>A use case run once by <paramref name="who"/> on its world (null for a bank's); <c>Again</c> runs it once more.</summary>
    private sealed record Ran(InMemoryMarket Market, Func<object?> Again, bool Creates);

    private Ran? Scenario(string useCase, Principal who)
    {
        var market = World();
        Ran? ran = null;
        T Arrange<T>(IMarketUseCase<T> arrange, Principal by, string key) => market.Run(arrange, Ctx(by, key)).Answer!;
        void Run<T>(IMarketUseCase<T> act, bool creates = true, DateTimeOffset? at = null)
        {
            Market0 = (market, market.All<AuditRecord>().Count());
            market.Run(act, Ctx(who, creates ? "k" : null, at));
            ran = new Ran(market, () => market.Run(act, Ctx(who, creates ? "k" : null, at)), creates);
        }
        switch (useCase)
        {
            case "RecordTrade": Run(new RecordTrade(Trade())); break;
            case "Allocate": Run(new Allocate(new AllocationRequest(Market, Holder.Reserve, Quantity.FromGrams(1), "more"))); break;
            case "RevokeAllocation": Run(new RevokeAllocation(Market, 1, "closed"), creates: false); break;
            case "ProposeTrade (as seller)": Run(new ProposeTrade(Proposal())); break;
            case "ConfirmProposal":
            case "RejectProposal":
            case "CancelProposal":
            {
                var p = Arrange(new ProposeTrade(Proposal()), Principal.Enterprise(SellerCode), "p").Proposal;
                Run<ProposalOutcome>(useCase switch
                {
                    "ConfirmProposal" => new ConfirmProposal(Market, p.Number),
                    "RejectProposal" => new EndProposal(Market, p.Number, ProposalStatus.Rejected),
                    _ => new EndProposal(Market, p.Number, ProposalStatus.Cancelled),
                }, creates: false);
                break;
            }
            case "CreatePledge (bank's request)": Run(new CreatePledge(Pledge(), PledgeParty.Bank)); break;
            case "CreatePledge (holder's offer)": Run(new CreatePledge(Pledge(), PledgeParty.Holder)); break;
            case "CreatePledge (bureau)": Run(new CreatePledge(Pledge(), PledgeParty.Bureau)); break;
            case "AcceptPledge (bank's request)":
            {
                var p = Arrange(new CreatePledge(Pledge(), PledgeParty.Bank), Principal.Bank(Icbc), "p");
                Run(new AcceptPledge(Market, p.Number), creates: false);
                break;
            }
            case "ReleasePledge":
            {
                var p = Arrange(new CreatePledge(Pledge(), PledgeParty.Bureau), Principal.Admin, "p");
                Run(new EndPledge(Market, p.Number, PledgeStatus.Released), creates: false);
                break;
            }
            case "PostListing (own rights)": Run(new PostListing(Listing(Seller))); break;
            case "PostListing (reserve)": Run(new PostListing(Listing(Holder.Reserve))); break;
            case "TakeListing (for the buyer)":
            {
                var l = Arrange(new PostListing(Listing(Seller)), Principal.Enterprise(SellerCode), "l");
                Run(new TakeListing(Market, l.Number, Buyer, Quantity.FromGrams(1_000_000)));
                break;
            }
            case "WithdrawListing":
            {
                var l = Arrange(new PostListing(Listing(Seller)), Principal.Enterprise(SellerCode), "l");
                Run(new WithdrawListing(Market, l.Number), creates: false);
                break;
            }
            case "CreateAuction": Run(new CreateAuction(Auction())); break;
            case "PlaceBid (for the buyer)":
            {
                var a = Arrange(new CreateAuction(Auction()), Principal.Admin, "au");
                Run(new PlaceBid(Market, a.Number, Buyer, Quantity.FromGrams(1_000_000), Money.FromFen(2_100_000)));
                break;
            }
            case "SettleAuction":
            {
                var a = Arrange(new CreateAuction(Auction()), Principal.Admin, "au");
                Run(new SettleAuction(Market, a.Number), creates: false, at: Now.AddHours(3));
                break;
            }
            case "ExpireOffers":
            {
                var p = Arrange(new ProposeTrade(Proposal()), Principal.Enterprise(SellerCode), "p").Proposal;
                Run(new ExpireOffers(Market, [p.Number], []), creates: false, at: Now.AddDays(8));
                break;
            }
            case "OfferPledge (the seller's application)": Run(new OfferPledge(Application(ApplicationStatus.Submitting, null)), creates: true); break;
            case "ActivateOffer (ICBC's approval)":
            case "EndOffer (the seller's application)":
            {
                var offered = Arrange(new OfferPledge(Application(ApplicationStatus.Submitting, null)), Principal.Enterprise(SellerCode), "offer");
                var status = useCase.StartsWith("Activate", StringComparison.Ordinal) ? ApplicationStatus.Approving : ApplicationStatus.Withdrawn;
                var application = Application(status, offered.Number);
                Run<Pledge>(status == ApplicationStatus.Approving ? new ActivateOffer(application) : new EndOffer(application), creates: false);
                break;
            }
            default:
                Market0 = null;
                ActOnBank(useCase, who);
                break;
        }
        return ran;
    }

    private static readonly string[] BankUseCases =
        ["SubmitApplication", "RecordLoan", "DecideApplication", "RepayLoan", "WithdrawApplication", "AdvanceApplication", "NotePledgeReleased"];

    /// <summary>Use cases and a caller allowed to run each (the first Ok of its row).</summary>
    public static TheoryData<string> MarketUseCases()
    {
        var data = new TheoryData<string>();
        foreach (var (useCase, row) in Expected)
            if (!BankUseCases.Any(b => useCase.StartsWith(b, StringComparison.Ordinal))) data.Add(useCase);
        return data;
    }

    [Theory]
    [MemberData(nameof(MarketUseCases))]
    public void Run_again_a_write_gives_the_same_answer_and_writes_no_second_change_nor_audit_record(string useCase)
    {
        var who = Callers[Array.IndexOf(Expected[useCase], Outcome.Ok)].Who;
        var ran = Scenario(useCase, who)!;
        var rows = ran.Market.All<object>().ToList();
        var audit = ran.Market.All<AuditRecord>().Count();
        var again = (dynamic)ran.Again()!;
        if (ran.Creates) Assert.NotNull(again.Replayed);       // same key, same request: the first answer
        else Assert.True((bool)again.WritesNothing);           // idempotent by state
        Assert.Equal(audit, ran.Market.All<AuditRecord>().Count());
        Assert.Equal(rows, ran.Market.All<object>().ToList());
        Assert.Equal(ran.Creates ? 1 : 0, ran.Market.Bindings.Bound.Count(b => b.Fingerprint is not null && b.CallerKeyHash.Length > 0) - ArrangedKeys(useCase));
    }

    /// <summary>Keys bound while arranging the world (two allocations, and the offer a use case acts on).</summary>
    private static int ArrangedKeys(string useCase) => 2 + (useCase switch
    {
        "ConfirmProposal" or "RejectProposal" or "CancelProposal" or "AcceptPledge (bank's request)" or "ReleasePledge" or "TakeListing (for the buyer)"
            or "WithdrawListing" or "PlaceBid (for the buyer)" or "SettleAuction" or "ExpireOffers" or "ActivateOffer (ICBC's approval)"
            or "EndOffer (the seller's application)" => 1,
        _ => 0,
    });

    /// <summary>The seller's pledge application to ICBC offering 2 t of the market's rights (with the offer's pledge number once frozen).</summary>
    private static LoanApplication Application(ApplicationStatus status, long? pledge) =>
        new(Icbc, 1, "pledge", SellerCode, Money.FromFen(10_000_000), null, status, Now, Offer: new PledgeOffer(Market, Quantity.FromGrams(2_000_000), pledge),
            Approval: status == ApplicationStatus.Approving
                ? new LoanApproval(new LoanTerms(Money.FromFen(10_000_000), 3.2m, 12, Now), Quantity.FromGrams(1_000_000), 1, RegionCode.Parse("131000"), Now, "ICBC-LF")
                : null);

    private static AuctionRequest Auction() =>
        new(Market, Quantity.FromGrams(2_000_000), 5, Money.FromFen(2_100_000), Money.FromFen(50_000), Quantity.FromGrams(500_000), Now, Now.AddHours(2));

    /// <summary>A bank use case run by <paramref name="who"/> through the shell on ICBC's book (an application and a loan of the seller's in it).</summary>
    private static (InMemoryBank Book, Func<object?> Again, bool Creates) ActOnBank(string useCase, Principal who)
    {
        var product = new LoanProductInput
        {
            Name = "绿色技改贷", MinGrade = "B", MinCreditRating = "Blue", Industries = [], Regions = ["1310"], MinAmount = 100_000m, MaxAmount = 1_000_000m,
            AnnualRatePct = 3.2m, TermMonths = 24,
        }.Validate(Icbc, "green", Now);
        var terms = new LoanTerms(Money.FromFen(50_000_000), 3.2m, 24, Now);
        var application = new LoanApplication(Icbc, 1, "green", SellerCode, Money.FromFen(50_000_000), null, ApplicationStatus.Submitted, Now);
        var loan = new Loan(Icbc, 1, SellerCode, RegionCode.Parse("131000"), null, Money.FromFen(50_000_000), 3.2m, 24, Now, null, LoanStatus.Granted, Now, "bank");
        var book = new InMemoryBank(Icbc);
        book.Overwrite(new BankHead(1, 1));
        book.Overwrite(useCase == "AdvanceApplication" ? application with { CreatedAt = Now.AddDays(-31) } : application);
        book.Overwrite(useCase == "NotePledgeReleased" ? loan with { Status = LoanStatus.Repaid, PledgeId = "131000-SO2-P1" } : loan);
        var eligible = new EligibilityResult(true, Money.FromFen(100_000_000), [], [], PerformanceGrade.A);
        Func<object?> run = useCase switch
        {
            "SubmitApplication (for the seller)" => () => book.Run(new SubmitApplication(product, SellerCode, Money.FromFen(50_000_000), null, eligible), Ctx(who, "k")),
            "RecordLoan (ICBC)" => () => book.Run(new RecordLoan(Icbc, SellerCode, RegionCode.Parse("131000"), null, terms, "event"), Ctx(who, "k")),
            "DecideApplication" => () => book.Run(new DecideApplication(Icbc, 1, new ApprovalRequest(terms, null, null, Money.Zero, RegionCode.Parse("131000")), null),
                Ctx(who)),
            "RepayLoan" => () => book.Run(new RepayLoan(Icbc, 1), Ctx(who)),
            "WithdrawApplication" => () => book.Run(new WithdrawApplication(Icbc, 1), Ctx(who)),
            "AdvanceApplication" => () => book.Run(new AdvanceApplication(Icbc, 1, LoanStep.Expire, null), Ctx(who)),
            "NotePledgeReleased" => () => book.Run(new NotePledgeReleased(Icbc, 1), Ctx(who)),
            _ => throw new InvalidOperationException($"no use case {useCase}"),
        };
        run();
        return (book, run, useCase.StartsWith("SubmitApplication", StringComparison.Ordinal) || useCase.StartsWith("RecordLoan", StringComparison.Ordinal));
    }

    public static TheoryData<string> BankUseCaseRows()
    {
        var data = new TheoryData<string>();
        foreach (var useCase in Expected.Keys.Where(k => BankUseCases.Any(b => k.StartsWith(b, StringComparison.Ordinal)))) data.Add(useCase);
        return data;
    }

    [Theory]
    [MemberData(nameof(BankUseCaseRows))]
    public void Run_again_a_bank_write_gives_the_same_answer_and_writes_no_second_change_nor_audit_record(string useCase)
    {
        var who = Callers[Array.IndexOf(Expected[useCase], Outcome.Ok)].Who;
        var (book, again, creates) = ActOnBank(useCase, who);
        var rows = book.All<object>().ToList();
        Assert.NotEmpty(book.All<AuditRecord>());
        var second = (dynamic)again()!;
        if (creates) Assert.NotNull(second.Replayed);
        else Assert.True((bool)second.WritesNothing);
        Assert.Equal(rows, book.All<object>().ToList());
    }
}

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
using Trading.Core.Writes;

namespace Trading.Core.Tests;

/// <summary>
/// Each event of api.md's table is written by its use case, once, to the right recipients, in the change's own commit
/// (rows numbered by the head); a replay, a change that writes nothing and a refusal write none. Run through the real
/// shell on in-memory books.
/// </summary>
public sealed class EventTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 10, 0, 0, TimeSpan.FromHours(8));
    private static readonly MarketId Market = new(RegionCode.Parse("131000"), Pollutant.SO2);
    private static readonly CreditCode SellerCode = CreditCode.FromBody("91131000MA0000001");
    private static readonly CreditCode BuyerCode = CreditCode.FromBody("91131000MA0000002");
    private static readonly Holder Seller = Holder.Of(SellerCode);
    private static readonly Holder Buyer = Holder.Of(BuyerCode);
    private static readonly BankId Icbc = BankId.TryParse("ICBC-LF", out var b, out _) ? b : default;
    private static readonly string ToSeller = "enterprise:" + SellerCode.Value;
    private static readonly string ToBuyer = "enterprise:" + BuyerCode.Value;
    private const string ToBank = "bank:ICBC-LF";

    private static UseCaseContext Ctx(Principal who, string? key = null, DateTimeOffset? at = null) => new(who, at ?? Now, key);

    private static InMemoryMarket World()
    {
        var market = new InMemoryMarket(Market);
        market.Run(new Allocate(new AllocationRequest(Market, Seller, Quantity.FromGrams(10_000_000), "permit")), Ctx(Principal.Admin, "a1"));
        market.Run(new Allocate(new AllocationRequest(Market, Holder.Reserve, Quantity.FromGrams(10_000_000), "reserve")), Ctx(Principal.Admin, "a2"));
        return market;
    }

    /// <summary>The events written since <paramref name="before"/> events, as "type -> recipient", in order.</summary>
    private static List<string> Since(InMemoryMarket market, int before) =>
        market.All<EventRecord>().OrderBy(e => e.Number).Skip(before).Select(e => e.Type + " -> " + e.Recipient).ToList();

    private static ProposalRequest Proposal() => new ProposalInput
    {
        Region = "131000", Pollutant = "SO2", Seller = Seller.Value, Buyer = Buyer.Value, Quantity = 1m, UnitPrice = 6000m, TermYears = 1, Method = "Agreement",
    }.Validate(Seller, Now);

    private static PledgeRequest Pledge() => new(Icbc, Market, Seller, Quantity.FromGrams(1_000_000), Money.FromFen(10_000_000), "loan");

    [Fact]
    public void An_allocation_tells_its_holder_and_the_reserve_gets_nothing()
    {
        var market = World();
        Assert.Equal([$"allocation.made -> {ToSeller}"], Since(market, 0));
        Assert.Equal(1, market.Head.EventCount);
        market.Run(new RevokeAllocation(Market, 1, "closed"), Ctx(Principal.Admin));
        Assert.Equal([$"allocation.revoked -> {ToSeller}"], Since(market, 1));
        market.Run(new RevokeAllocation(Market, 1, "closed"), Ctx(Principal.Admin)); // already revoked: writes nothing
        Assert.Equal(2, market.All<EventRecord>().Count());
    }

    [Fact]
    public void A_proposal_goes_to_the_counterparty_and_its_trade_to_both_parties_once()
    {
        var market = World();
        var before = market.All<EventRecord>().Count();
        var proposal = market.Run(new ProposeTrade(Proposal()), Ctx(Principal.Enterprise(SellerCode), "p")).Answer!.Proposal;
        Assert.Equal([$"trade.proposal.received -> {ToBuyer}"], Since(market, before));
        // The same request again under the same key: replayed, no second event.
        Assert.NotNull(market.Run(new ProposeTrade(Proposal()), Ctx(Principal.Enterprise(SellerCode), "p")).Replayed);
        Assert.Equal([$"trade.proposal.received -> {ToBuyer}"], Since(market, before));

        market.Run(new ConfirmProposal(Market, proposal.Number), Ctx(Principal.Enterprise(BuyerCode)));
        Assert.Equal([$"trade.settled -> {ToSeller}", $"trade.settled -> {ToBuyer}"], Since(market, before + 1));
        market.Run(new ConfirmProposal(Market, proposal.Number), Ctx(Principal.Enterprise(BuyerCode))); // settled already: nothing
        Assert.Equal(before + 3, market.All<EventRecord>().Count());
        Assert.Equal(before + 3, market.Head.EventCount);
    }

    [Fact]
    public void A_recorded_trade_tells_seller_and_buyer_and_a_refused_one_tells_nobody()
    {
        var market = World();
        var before = market.All<EventRecord>().Count();
        var trade = new TradeRequest(Market, Seller, Buyer, Quantity.FromGrams(1_000_000), Money.FromFen(600_000), 1, TradeMethod.Agreement, Now,
            Money.FromFen(600_000), "contract");
        market.Run(new RecordTrade(trade), Ctx(Principal.Admin, "t"));
        Assert.Equal([$"trade.settled -> {ToSeller}", $"trade.settled -> {ToBuyer}"], Since(market, before));
        var oversold = trade with { Quantity = Quantity.FromGrams(100_000_000) };
        Assert.Throws<ConflictException>(() => market.Run(new RecordTrade(oversold), Ctx(Principal.Admin, "t2")));
        Assert.Equal(before + 2, market.All<EventRecord>().Count());
    }

    [Fact]
    public void A_reserve_sale_tells_the_buyer_only()
    {
        var market = World();
        var before = market.All<EventRecord>().Count();
        market.Run(new RecordTrade(new TradeRequest(Market, Holder.Reserve, Buyer, Quantity.FromGrams(1_000_000), Money.FromFen(600_000), 1,
            TradeMethod.ReserveSale, Now, Money.FromFen(600_000), "sale")), Ctx(Principal.Admin, "t"));
        Assert.Equal([$"trade.settled -> {ToBuyer}"], Since(market, before));
    }

    [Theory]
    [InlineData(PledgeParty.Bank, "pledge.requested", "holder")]
    [InlineData(PledgeParty.Holder, "pledge.requested", "bank")]
    [InlineData(PledgeParty.Bureau, "pledge.accepted", "holder,bank")]
    public void A_pledge_goes_to_the_other_side(PledgeParty by, string type, string to)
    {
        var market = World();
        var before = market.All<EventRecord>().Count();
        var who = by switch { PledgeParty.Bank => Principal.Bank(Icbc), PledgeParty.Holder => Principal.Enterprise(SellerCode), _ => Principal.Admin };
        var pledge = market.Run(new CreatePledge(Pledge(), by), Ctx(who, "p")).Answer!;
        var recipients = to.Split(',').Select(s => s == "bank" ? ToBank : ToSeller);
        Assert.Equal(recipients.Select(r => $"{type} -> {r}").ToList(), Since(market, before));
        if (by == PledgeParty.Bureau) return;

        // Accepted by the side that was asked: the side that asked learns of it.
        var acceptor = by == PledgeParty.Bank ? Principal.Enterprise(SellerCode) : Principal.Bank(Icbc);
        market.Run(new AcceptPledge(Market, pledge.Number), Ctx(acceptor));
        Assert.Equal([$"pledge.accepted -> {(by == PledgeParty.Bank ? ToBank : ToSeller)}"], Since(market, before + 1));
        market.Run(new AcceptPledge(Market, pledge.Number), Ctx(acceptor)); // active already: nothing
        Assert.Equal(before + 2, market.All<EventRecord>().Count());
    }

    [Fact]
    public void A_release_goes_to_the_other_side_and_by_the_bureau_to_both()
    {
        var market = World();
        var byBank = market.Run(new CreatePledge(Pledge(), PledgeParty.Bureau), Ctx(Principal.Admin, "p1")).Answer!;
        var byBureau = market.Run(new CreatePledge(Pledge() with { Reference = "other" }, PledgeParty.Bureau), Ctx(Principal.Admin, "p2")).Answer!;
        var before = market.All<EventRecord>().Count();
        market.Run(new EndPledge(Market, byBank.Number, PledgeStatus.Released), Ctx(Principal.Bank(Icbc)));
        Assert.Equal([$"pledge.released -> {ToSeller}"], Since(market, before));
        market.Run(new EndPledge(Market, byBureau.Number, PledgeStatus.Released), Ctx(Principal.Official(RegionPrefix.Parse("1310"))));
        Assert.Equal([$"pledge.released -> {ToSeller}", $"pledge.released -> {ToBank}"], Since(market, before + 1));
        market.Run(new EndPledge(Market, byBank.Number, PledgeStatus.Released), Ctx(Principal.Bank(Icbc))); // released already
        Assert.Equal(before + 3, market.All<EventRecord>().Count());
    }

    [Fact]
    public void A_taken_listing_tells_its_seller_and_both_parties_of_the_trade()
    {
        var market = World();
        var listing = market.Run(new PostListing(new ListingRequest(Market, Seller, Quantity.FromGrams(2_000_000), Money.FromFen(600_000), 1,
            Quantity.FromGrams(1_000_000), null)), Ctx(Principal.Enterprise(SellerCode), "l")).Answer!;
        var before = market.All<EventRecord>().Count();
        market.Run(new TakeListing(Market, listing.Number, Buyer, Quantity.FromGrams(1_000_000)), Ctx(Principal.Enterprise(BuyerCode), "take"));
        Assert.Equal([$"trade.settled -> {ToSeller}", $"trade.settled -> {ToBuyer}", $"listing.taken -> {ToSeller}"], Since(market, before));
        Assert.NotNull(market.Run(new TakeListing(Market, listing.Number, Buyer, Quantity.FromGrams(1_000_000)), Ctx(Principal.Enterprise(BuyerCode), "take")).Replayed);
        Assert.Equal(before + 3, market.All<EventRecord>().Count());
    }

    [Fact]
    public void A_closed_auction_tells_each_bidder_its_result_once()
    {
        var market = World();
        var other = CreditCode.FromBody("91131000MA0000003");
        var auction = market.Run(new CreateAuction(new AuctionRequest(Market, Quantity.FromGrams(1_000_000), 5, Money.FromFen(2_100_000), Money.FromFen(50_000),
            Quantity.FromGrams(500_000), Now, Now.AddHours(2))), Ctx(Principal.Admin, "au")).Answer!;
        market.Run(new PlaceBid(Market, auction.Number, Buyer, Quantity.FromGrams(1_000_000), Money.FromFen(2_200_000)), Ctx(Principal.Enterprise(BuyerCode), "b1"));
        market.Run(new PlaceBid(Market, auction.Number, Holder.Of(other), Quantity.FromGrams(1_000_000), Money.FromFen(2_100_000)),
            Ctx(Principal.Enterprise(other), "b2"));
        var before = market.All<EventRecord>().Count();
        Auction state;
        do state = market.Run(new SettleAuction(Market, auction.Number), Ctx(Principal.Admin, at: Now.AddHours(3))).Answer!;
        while (state.Status != AuctionStatus.Closed);
        Assert.Equal([$"trade.settled -> {ToBuyer}", $"auction.closed -> {ToBuyer}", "auction.closed -> enterprise:" + other.Value], Since(market, before));
        market.Run(new SettleAuction(Market, auction.Number), Ctx(Principal.Admin, at: Now.AddHours(4))); // closed: nothing
        Assert.Equal(before + 3, market.All<EventRecord>().Count());
    }

    [Fact]
    public void An_auction_with_more_bidders_than_one_commit_holds_tells_them_over_several_steps()
    {
        var market = World();
        var auction = market.Run(new CreateAuction(new AuctionRequest(Market, Quantity.FromGrams(500_000), 5, Money.FromFen(2_100_000), Money.FromFen(50_000),
            Quantity.FromGrams(500_000), Now, Now.AddHours(2))), Ctx(Principal.Admin, "au")).Answer!;
        var bidders = Enumerable.Range(10, SettleAuction.MaxNoticesPerStep + 5).Select(i => CreditCode.FromBody($"91131000MA000{i:D4}")).ToList();
        foreach (var firm in bidders)
            market.Run(new PlaceBid(Market, auction.Number, Holder.Of(firm), Quantity.FromGrams(500_000), Money.FromFen(2_100_000)), Ctx(Principal.Enterprise(firm), "b"));
        var before = market.All<EventRecord>().Count();
        var steps = 0;
        Auction state;
        do { state = market.Run(new SettleAuction(Market, auction.Number), Ctx(Principal.Admin, at: Now.AddHours(3))).Answer!; steps++; }
        while (state.Status != AuctionStatus.Closed);
        var notices = market.All<EventRecord>().Skip(before).Where(e => e.Type == "auction.closed").Select(e => e.Recipient).ToList();
        Assert.Equal(bidders.Select(f => "enterprise:" + f.Value).Order(), notices.Order());
        Assert.Equal(3, steps); // the winner, then the bidders in two commits
    }

    [Fact]
    public void An_application_goes_to_the_bank_and_its_decision_to_the_applicant()
    {
        var book = new InMemoryBank(Icbc);
        var product = new LoanProductInput
        {
            Name = "绿色技改贷", MinGrade = "B", MinCreditRating = "Blue", Industries = [], Regions = ["1310"], MinAmount = 100_000m, MaxAmount = 1_000_000m,
            AnnualRatePct = 3.2m, TermMonths = 24,
        }.Validate(Icbc, "green", Now);
        var eligible = new EligibilityResult(true, Money.FromFen(50_000_000), [], [], PerformanceGrade.A);
        var submit = new SubmitApplication(product, SellerCode, Money.FromFen(20_000_000), null, eligible);
        var application = book.Run(submit, Ctx(Principal.Enterprise(SellerCode), "apply")).Answer!;
        Assert.NotNull(book.Run(submit, Ctx(Principal.Enterprise(SellerCode), "apply")).Replayed);
        var declined = book.Run(new DecideApplication(Icbc, application.Number, null, "no"), Ctx(Principal.Bank(Icbc)));
        book.Run(new DecideApplication(Icbc, application.Number, null, "no"), Ctx(Principal.Bank(Icbc))); // declined already
        var events = book.All<EventRecord>().OrderBy(e => e.Number).Select(e => e.Type + " -> " + e.Recipient).ToList();
        Assert.Equal(["loan.application.submitted -> " + ToBank, "loan.application.decided -> " + ToSeller], events);
        Assert.NotNull(declined.Answer);
    }

    [Fact]
    public void A_decision_that_sends_events_needs_a_renderer()
    {
        var market = World();
        var useCase = new ProposeTrade(Proposal());
        var context = Ctx(Principal.Enterprise(SellerCode), "p");
        var ex = Assert.Throws<InvalidOperationException>(() => UseCaseRunner.Run(useCase, market.Snapshot(useCase, context), context));
        Assert.Contains("event renderer", ex.Message);
        var decision = UseCaseRunner.Run(useCase, market.Snapshot(useCase, context), context, TestEvents.Renderer);
        var e = Assert.Single(decision.Changes.Select(c => c.Row).OfType<EventRecord>());
        Assert.Equal(EventRecord.IdOf(Now, Market.Key, market.Head.EventCount + 1), e.Id);
        Assert.Equal(market.Head.EventCount + 1, ((MarketHead)decision.Head!).EventCount);
    }
}

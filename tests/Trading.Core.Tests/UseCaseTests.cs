using Trading.Core.Access;
using Trading.Core.Finance;
using Trading.Core.Ledger;
using Trading.Core.Ledger.UseCases;
using Trading.Core.Primitives;
using Trading.Core.Tests.Support;

namespace Trading.Core.Tests;

/// <summary>Every use case as a pure decision over a market's rows, run the way the shell runs it, with no I/O.</summary>
public sealed class UseCaseTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 10, 0, 0, TimeSpan.FromHours(8));
    private static readonly MarketId Market = new(RegionCode.Parse("131000"), Pollutant.SO2);
    private static readonly CreditCode SellerCode = CreditCode.FromBody("91131000MA0000001");
    private static readonly CreditCode BuyerCode = CreditCode.FromBody("91131000MA0000002");
    private static readonly Holder Seller = Holder.Of(SellerCode);
    private static readonly Holder Buyer = Holder.Of(BuyerCode);
    private static readonly Principal SellerKey = Principal.Enterprise(SellerCode);
    private static readonly Principal BuyerKey = Principal.Enterprise(BuyerCode);
    private static readonly Principal Official = Principal.Official(RegionPrefix.Parse("1310"));
    private static readonly Principal Bank = Principal.Bank(BankId.TryParse("ICBC-LF", out var b, out _) ? b : default);

    private static UseCaseContext Ctx(Principal who, string? key = null, DateTimeOffset? at = null) =>
        new(who, at ?? Now, key is null ? null : Hashing.Sha256Hex(who.Id + "\n" + key));

    private static InMemoryMarket MarketWith(decimal sellerHolds)
    {
        var market = new InMemoryMarket(Market);
        var request = new AllocationInput { Holder = Seller.Value, Region = "131000", Pollutant = "SO2", Quantity = sellerHolds, Reference = "permit" }.Validate();
        market.Run(new Allocate(request), Ctx(Official, "alloc"));
        return market;
    }

    private static ProposalRequest Proposal(Holder proposer, decimal quantity, string? expiresAt = null) => new ProposalInput
    {
        Region = "131000", Pollutant = "SO2", Seller = Seller.Value, Buyer = Buyer.Value, Quantity = quantity, UnitPrice = 6000m, TermYears = 5,
        Method = "Agreement", ExpiresAt = expiresAt,
    }.Validate(proposer, Now);

    private static TradeProposal Propose(InMemoryMarket market, Principal who, decimal quantity, string key = "p") =>
        market.Run(new ProposeTrade(Proposal(Holder.Of(CreditCode.Parse(who.Subject)), quantity)), Ctx(who, key)).Answer!.Proposal;

    // Consent

    [Fact]
    public void A_buyers_proposal_moves_nothing_until_the_seller_confirms()
    {
        var market = MarketWith(10m);
        var proposal = Propose(market, BuyerKey, 4m);
        Assert.Equal(ProposalStatus.Proposed, proposal.Status);
        Assert.Equal(10_000_000, market.Holding(Seller).Held.Grams);
        Assert.Equal(0, market.Holding(Seller).Frozen.Grams);
        Assert.Empty(market.All<Trade>());

        Assert.Throws<ForbiddenException>(() => market.Run(new ConfirmProposal(Market, proposal.Number), Ctx(BuyerKey)));
        var confirmed = market.Run(new ConfirmProposal(Market, proposal.Number), Ctx(SellerKey)).Answer!;
        Assert.Equal(ProposalStatus.Settled, confirmed.Proposal.Status);
        Assert.Equal(Now, confirmed.Trade!.Request.TradedAt);
        Assert.Equal(6_000_000, market.Holding(Seller).Held.Grams);
        Assert.Equal(4_000_000, market.Holding(Buyer).Held.Grams);
    }

    [Fact]
    public void A_stranger_does_not_see_a_proposal_at_all()
    {
        var market = MarketWith(10m);
        var proposal = Propose(market, BuyerKey, 4m);
        var stranger = Principal.Enterprise(CreditCode.FromBody("91131000MA0000003"));
        Assert.Throws<NotFoundException>(() => market.Run(new ConfirmProposal(Market, proposal.Number), Ctx(stranger)));
        Assert.Throws<NotFoundException>(() => market.Run(new EndProposal(Market, proposal.Number, ProposalStatus.Rejected), Ctx(Principal.Official(RegionPrefix.Parse("1301")))));
    }

    [Fact]
    public void An_enterprise_never_records_a_trade_nor_sells_the_reserve()
    {
        Assert.Throws<ForbiddenException>(() => LedgerAccess.RequireMayRecordTrade(BuyerKey, Market));
        Assert.Throws<ForbiddenException>(() => LedgerAccess.RequireMayRecordTrade(Bank, Market));
        LedgerAccess.RequireMayRecordTrade(Official, Market);
        Assert.Throws<ForbiddenException>(() => LedgerAccess.RequireMayRecordTrade(Official, new MarketId(RegionCode.Parse("130100"), Pollutant.SO2)));
        var reserveSale = new ProposalInput
        {
            Region = "131000", Pollutant = "SO2", Seller = "reserve", Buyer = Buyer.Value, Quantity = 1m, UnitPrice = 0.01m, TermYears = 1, Method = "ReserveSale",
        };
        Assert.Throws<RuleViolationException>(() => reserveSale.Validate(Buyer, Now));
        Assert.Throws<ForbiddenException>(() => Proposal(Holder.Of(CreditCode.FromBody("91131000MA0000003")), 1m));
    }

    // Freezing

    [Fact]
    public void A_sellers_proposal_freezes_its_quantity_and_a_second_cannot_take_it_again()
    {
        var market = MarketWith(10m);
        Propose(market, SellerKey, 7m, "first");
        Assert.Equal(7_000_000, market.Holding(Seller).Frozen.Grams);
        Assert.Equal(3_000_000, market.Holding(Seller).Available.Grams);
        var ex = Assert.Throws<ConflictException>(() => Propose(market, SellerKey, 3.000001m, "second"));
        Assert.Equal(3m, ex.Extensions["available"]);
        Propose(market, SellerKey, 3m, "third");
        Assert.Equal(0, market.Holding(Seller).Available.Grams);
    }

    [Theory]
    [InlineData(ProposalStatus.Cancelled)]
    [InlineData(ProposalStatus.Rejected)]
    public void Cancelling_or_rejecting_returns_what_was_frozen(ProposalStatus end)
    {
        var market = MarketWith(10m);
        var proposal = Propose(market, SellerKey, 7m);
        var who = end == ProposalStatus.Cancelled ? SellerKey : BuyerKey;
        var wrong = end == ProposalStatus.Cancelled ? BuyerKey : SellerKey;
        Assert.Throws<ForbiddenException>(() => market.Run(new EndProposal(Market, proposal.Number, end), Ctx(wrong)));
        Assert.Equal(end, market.Run(new EndProposal(Market, proposal.Number, end), Ctx(who)).Answer!.Proposal.Status);
        Assert.Equal(0, market.Holding(Seller).Frozen.Grams);
        Assert.Equal(10_000_000, market.Holding(Seller).Available.Grams);
    }

    [Fact]
    public void Confirming_a_sellers_proposal_spends_exactly_what_it_froze()
    {
        var market = MarketWith(10m);
        var proposal = Propose(market, SellerKey, 7m);
        market.Run(new ConfirmProposal(Market, proposal.Number), Ctx(BuyerKey));
        Assert.Equal(new Holding(Seller, Quantity.FromGrams(3_000_000), Quantity.Zero, Quantity.Zero), market.Holding(Seller));
        Assert.Equal(7_000_000, market.Holding(Buyer).Held.Grams);
    }

    [Fact]
    public void A_seller_confirming_a_buyers_proposal_must_have_the_quantity_then()
    {
        var market = MarketWith(10m);
        var asked = Propose(market, BuyerKey, 8m, "ask");
        Propose(market, SellerKey, 5m, "offer elsewhere"); // freezes 5 of the 10
        var ex = Assert.Throws<ConflictException>(() => market.Run(new ConfirmProposal(Market, asked.Number), Ctx(SellerKey)));
        Assert.Equal(5m, ex.Extensions["available"]);
        Assert.Equal(ProposalStatus.Proposed, market.Proposal(asked.Number).Status);
    }

    // Expiry

    [Fact]
    public void Expiry_ends_only_open_proposals_past_their_time_and_returns_what_they_froze()
    {
        var market = MarketWith(10m);
        var soon = market.Run(new ProposeTrade(Proposal(Seller, 2m, "2026-11-23T11:00:00+08:00")), Ctx(SellerKey, "soon")).Answer!.Proposal;
        var later = Propose(market, SellerKey, 3m, "later"); // 7 days
        var done = Propose(market, SellerKey, 1m, "done");
        market.Run(new ConfirmProposal(Market, done.Number), Ctx(BuyerKey));

        var expire = new ExpireOffers(Market, [soon.Number, later.Number, done.Number], []);
        Assert.Equal(0, market.Run(expire, Ctx(Principal.Admin, at: Now.AddMinutes(59))).Answer);
        Assert.Equal(1, market.Run(expire, Ctx(Principal.Admin, at: Now.AddHours(1))).Answer);
        Assert.Equal(ProposalStatus.Expired, market.Proposal(soon.Number).Status);
        Assert.Equal(ProposalStatus.Proposed, market.Proposal(later.Number).Status);
        Assert.Equal(3_000_000, market.Holding(Seller).Frozen.Grams);
        // A second run ends nothing and writes nothing.
        Assert.True(market.Run(expire, Ctx(Principal.Admin, at: Now.AddHours(2))).WritesNothing);
    }

    [Fact]
    public void Confirming_past_expiry_ends_the_proposal_and_is_refused_with_its_state()
    {
        var market = MarketWith(10m);
        var proposal = market.Run(new ProposeTrade(Proposal(Seller, 2m, "2026-11-23T11:00:00+08:00")), Ctx(SellerKey, "soon")).Answer!.Proposal;
        var ex = Assert.Throws<ConflictException>(() => market.Run(new ConfirmProposal(Market, proposal.Number), Ctx(BuyerKey, at: Now.AddHours(1))));
        Assert.Equal("expired", ex.Extensions["state"]);
        Assert.Equal(ProposalStatus.Expired, market.Proposal(proposal.Number).Status);
        Assert.Equal(0, market.Holding(Seller).Frozen.Grams);
        Assert.Empty(market.All<Trade>());
    }

    [Theory]
    [InlineData("2026-11-23T10:00:00+08:00")]
    [InlineData("2026-12-23T10:00:01+08:00")]
    public void An_expiry_must_be_after_now_and_at_most_30_days_ahead(string expiresAt) =>
        Assert.Throws<RuleViolationException>(() => Proposal(Seller, 1m, expiresAt));

    // Idempotency by key

    [Fact]
    public void The_same_key_and_request_replays_the_first_answer_and_another_request_is_refused()
    {
        var market = MarketWith(10m);
        var first = market.Run(new ProposeTrade(Proposal(Seller, 2m)), Ctx(SellerKey, "k"));
        var again = market.Run(new ProposeTrade(Proposal(Seller, 2m)), Ctx(SellerKey, "k"));
        Assert.NotNull(again.Replayed);
        Assert.Equal(first.Answer!.Proposal.Id, again.Replayed!.ResourceId);
        Assert.Equal("answer", again.Replayed.Answer);
        Assert.Single(market.All<TradeProposal>());
        Assert.Equal(2_000_000, market.Holding(Seller).Frozen.Grams);
        Assert.Throws<RuleViolationException>(() => market.Run(new ProposeTrade(Proposal(Seller, 3m)), Ctx(SellerKey, "k")));
        // The key belongs to its caller: another caller's same key is another request.
        Assert.NotNull(market.Run(new ProposeTrade(Proposal(Buyer, 3m)), Ctx(BuyerKey, "k")).Answer);
    }

    [Fact]
    public void The_idempotency_record_and_the_audit_records_commit_with_the_change()
    {
        var market = MarketWith(10m);
        var decision = market.Run(new ProposeTrade(Proposal(Seller, 2m)), Ctx(SellerKey, "k"));
        var record = Assert.Single(decision.Changes, c => c.Row is IdempotencyRecord);
        Assert.Null(record.IfMatch);
        Assert.Equal("answer", ((IdempotencyRecord)record.Row).Answer);
        var audits = market.All<AuditRecord>().OrderBy(a => a.Number).ToList();
        Assert.Equal(["allocation.recorded", "proposal.created"], audits.Select(a => a.Action));
        Assert.Equal([1L, 2L], audits.Select(a => a.Number));
        Assert.Equal(2, market.Head.AuditCount);
        Assert.Equal("enterprise:" + SellerCode.Value, audits[1].Who);
    }

    [Fact]
    public void A_request_refused_after_a_lost_race_leaves_its_key_unbound()
    {
        var market = MarketWith(10m);
        var context = Ctx(SellerKey, "k");
        var useCase = new ProposeTrade(Proposal(Seller, 8m));
        var decision = UseCaseRunner.Run(useCase, market.Snapshot(useCase, context), context, TestEvents.Renderer);
        Assert.NotNull(decision.Answer);
        // Meanwhile another request freezes most of the rights: the first commit loses the race (412)...
        Propose(market, SellerKey, 5m, "other");
        Assert.False(market.TryCommit(decision.Changes));
        // ...and deciding again on fresh rows refuses it: nothing of it is written, its key is free.
        Assert.Throws<ConflictException>(() => UseCaseRunner.Run(useCase, market.Snapshot(useCase, context), context, TestEvents.Renderer));
        Assert.Null(market.Get<IdempotencyRecord>("idem:" + context.CallerKeyHash));
        Assert.NotNull(market.Run(new ProposeTrade(Proposal(Seller, 5m)), context).Answer);
    }

    [Fact]
    public void A_closed_month_is_checked_after_the_replay_and_before_availability()
    {
        var market = MarketWith(10m);
        var request = new TradeInput
        {
            Region = "131000", Pollutant = "SO2", Seller = Seller.Value, Buyer = Buyer.Value, Quantity = 1m, UnitPrice = 100m, TermYears = 1,
            Method = "Agreement", TradedAt = "2026-10-30T10:00:00+08:00",
        }.Validate(Now);
        var recorded = market.Run(new RecordTrade(request), Ctx(Official, "t"));
        market.ClosedMonths.Add(new ReportingMonth(2026, 10));
        Assert.NotNull(market.Run(new RecordTrade(request), Ctx(Official, "t")).Replayed);
        var oversell = request with { Quantity = Quantity.FromGrams(100_000_000) };
        Assert.Throws<RuleViolationException>(() => market.Run(new RecordTrade(oversell), Ctx(Official, "u")));
        Assert.Single(market.All<Trade>(), t => t.Id == recorded.Answer!.Id);
    }

    // Idempotency by state

    [Fact]
    public void Repeating_a_state_change_answers_the_same_and_another_is_refused_with_the_state()
    {
        var market = MarketWith(10m);
        var proposal = Propose(market, SellerKey, 2m);
        var first = market.Run(new ConfirmProposal(Market, proposal.Number), Ctx(BuyerKey));
        var again = market.Run(new ConfirmProposal(Market, proposal.Number), Ctx(BuyerKey));
        Assert.True(again.WritesNothing);
        Assert.Equal(first.Answer!.Trade!.Id, again.Answer!.Trade!.Id);
        Assert.Single(market.All<Trade>());
        // Only who could make the change gets its repeat answered; the proposer gets 403 as before.
        Assert.Throws<ForbiddenException>(() => market.Run(new ConfirmProposal(Market, proposal.Number), Ctx(SellerKey)));
        var ex = Assert.Throws<ConflictException>(() => market.Run(new EndProposal(Market, proposal.Number, ProposalStatus.Cancelled), Ctx(SellerKey)));
        Assert.Equal("settled", ex.Extensions["state"]);
    }

    // Allocation and revocation

    [Fact]
    public void Revocation_takes_back_what_is_left_into_the_reserve_once()
    {
        var market = MarketWith(10m);
        var proposal = Propose(market, SellerKey, 4m);
        market.Run(new ConfirmProposal(Market, proposal.Number), Ctx(BuyerKey));
        var revoked = market.Run(new RevokeAllocation(Market, 1, "firm closed"), Ctx(Official)).Answer!;
        Assert.Equal(6_000_000, revoked.Revoked!.Quantity.Grams);
        Assert.Equal(0, market.Holding(Seller).Held.Grams);
        Assert.Equal(6_000_000, market.Holding(Holder.Reserve).Held.Grams);
        Assert.True(market.Run(new RevokeAllocation(Market, 1, "again"), Ctx(Official)).WritesNothing);
        Assert.Equal(market.Head.Allocated.Grams, market.All<Holding>().Sum(h => h.Held.Grams));
    }

    [Fact]
    public void Revocation_of_bound_rights_is_refused_with_what_is_available()
    {
        var market = MarketWith(10m);
        Propose(market, SellerKey, 4m);
        var ex = Assert.Throws<ConflictException>(() => market.Run(new RevokeAllocation(Market, 1, "closed"), Ctx(Official)));
        Assert.Equal(6m, ex.Extensions["available"]);
        Assert.Throws<NotFoundException>(() => market.Run(new RevokeAllocation(Market, 9, "closed"), Ctx(Official)));
    }

    // Pledges

    private static PledgeRequest PledgeOf(decimal quantity, string bank = "ICBC-LF") => new PledgeInput
    {
        BankId = bank, Holder = Seller.Value, Region = "131000", Pollutant = "SO2", Quantity = quantity, LoanAmount = 100_000m,
    }.Validate(Now);

    [Fact]
    public void A_banks_pledge_request_binds_nothing_until_the_holder_accepts()
    {
        var market = MarketWith(10m);
        var requested = market.Run(new CreatePledge(PledgeOf(6m), LedgerAccess.PledgeCreator(Bank, PledgeOf(6m))), Ctx(Bank, "p")).Answer!;
        Assert.Equal(PledgeStatus.Requested, requested.Status);
        Assert.Equal(0, market.Holding(Seller).Pledged.Grams);
        Assert.Throws<ForbiddenException>(() => market.Run(new AcceptPledge(Market, requested.Number), Ctx(Bank)));
        var active = market.Run(new AcceptPledge(Market, requested.Number), Ctx(SellerKey)).Answer!;
        Assert.Equal(PledgeStatus.Active, active.Status);
        Assert.Equal(6_000_000, market.Holding(Seller).Pledged.Grams);
        Assert.True(market.Run(new AcceptPledge(Market, requested.Number), Ctx(SellerKey)).WritesNothing);
    }

    [Fact]
    public void A_holding_carries_several_pledges_while_they_fit_in_what_is_available()
    {
        var market = MarketWith(10m);
        var bureau = Ctx(Official, "a");
        market.Run(new CreatePledge(PledgeOf(6m), PledgeParty.Bureau), bureau);
        var other = PledgeOf(4m, "ABC-X");
        market.Run(new CreatePledge(other, PledgeParty.Bureau), Ctx(Official, "b"));
        Assert.Equal(10_000_000, market.Holding(Seller).Pledged.Grams);
        var ex = Assert.Throws<ConflictException>(() => market.Run(new CreatePledge(PledgeOf(0.000001m), PledgeParty.Bureau), Ctx(Official, "c")));
        Assert.Equal(0m, ex.Extensions["available"]);
        // A pledged quantity cannot be offered for sale either.
        Assert.Throws<ConflictException>(() => Propose(market, SellerKey, 1m));
    }

    [Fact]
    public void An_offer_by_the_holder_is_accepted_by_the_bank_and_released_by_it_once()
    {
        var market = MarketWith(10m);
        var offered = market.Run(new CreatePledge(PledgeOf(3m), LedgerAccess.PledgeCreator(SellerKey, PledgeOf(3m))), Ctx(SellerKey, "p")).Answer!;
        Assert.Equal(PledgeParty.Holder, offered.RequestedBy);
        Assert.Throws<ForbiddenException>(() => market.Run(new AcceptPledge(Market, offered.Number), Ctx(SellerKey)));
        market.Run(new AcceptPledge(Market, offered.Number), Ctx(Bank));
        Assert.Throws<ForbiddenException>(() => market.Run(new EndPledge(Market, offered.Number, PledgeStatus.Released), Ctx(SellerKey)));
        Assert.Equal(PledgeStatus.Released, market.Run(new EndPledge(Market, offered.Number, PledgeStatus.Released), Ctx(Bank)).Answer!.Status);
        Assert.Equal(0, market.Holding(Seller).Pledged.Grams);
        Assert.True(market.Run(new EndPledge(Market, offered.Number, PledgeStatus.Released), Ctx(Bank)).WritesNothing);
        var ex = Assert.Throws<ConflictException>(() => market.Run(new EndPledge(Market, offered.Number, PledgeStatus.Cancelled), Ctx(SellerKey)));
        Assert.Equal("released", ex.Extensions["state"]);
    }

    [Fact]
    public void Accepting_a_pledge_request_takes_only_what_is_still_available()
    {
        var market = MarketWith(10m);
        var requested = market.Run(new CreatePledge(PledgeOf(6m), PledgeParty.Bank), Ctx(Bank, "p")).Answer!;
        Propose(market, SellerKey, 5m);
        var ex = Assert.Throws<ConflictException>(() => market.Run(new AcceptPledge(Market, requested.Number), Ctx(SellerKey)));
        Assert.Equal(5m, ex.Extensions["available"]);
        Assert.Equal(PledgeStatus.Requested, market.Pledge(requested.Number).Status);
        // The holder rejects it instead; the bank could have cancelled it.
        Assert.Throws<ForbiddenException>(() => market.Run(new EndPledge(Market, requested.Number, PledgeStatus.Rejected), Ctx(Bank)));
        Assert.Equal(PledgeStatus.Rejected, market.Run(new EndPledge(Market, requested.Number, PledgeStatus.Rejected), Ctx(SellerKey)).Answer!.Status);
    }

    [Fact]
    public void Pledge_requests_expire_and_then_refuse_acceptance()
    {
        var market = MarketWith(10m);
        var requested = market.Run(new CreatePledge(PledgeOf(6m), PledgeParty.Bank), Ctx(Bank, "p")).Answer!;
        var late = Ctx(SellerKey, at: Now + PledgeRequest.DefaultLifetime);
        var ex = Assert.Throws<ConflictException>(() => market.Run(new AcceptPledge(Market, requested.Number), late));
        Assert.Equal("expired", ex.Extensions["state"]);
        Assert.Equal(0, market.Holding(Seller).Pledged.Grams);
    }

    // Conservation over a random sequence of every use case

    [Fact]
    public void Conservation_and_frozen_equal_to_open_offers_hold_over_random_sequences()
    {
        var random = new Random(7);
        var market = MarketWith(100m);
        var actors = new[] { SellerKey, BuyerKey };
        for (var i = 0; i < 400; i++)
        {
            var at = Now.AddMinutes(i);
            try
            {
                switch (random.Next(6))
                {
                    case 0 or 1:
                        var who = actors[random.Next(2)];
                        var proposer = Holder.Of(CreditCode.Parse(who.Subject));
                        var sellerSide = random.Next(2) == 0;
                        var request = new ProposalInput
                        {
                            Region = "131000", Pollutant = "SO2", Seller = sellerSide ? Seller.Value : Buyer.Value, Buyer = sellerSide ? Buyer.Value : Seller.Value,
                            Quantity = random.Next(1, 30), UnitPrice = 100m, TermYears = 1, Method = "Agreement",
                            ExpiresAt = Timestamps.Format(at.AddMinutes(random.Next(1, 60))),
                        }.Validate(proposer, at);
                        market.Run(new ProposeTrade(request), Ctx(who, $"k{i}", at));
                        break;
                    case 2:
                        var open = market.All<TradeProposal>().Where(p => p.Status == ProposalStatus.Proposed).ToList();
                        if (open.Count == 0) break;
                        var p = open[random.Next(open.Count)];
                        market.Run(new ConfirmProposal(Market, p.Number), Ctx(Principal.Enterprise(p.Counterparty.Enterprise!.Value), at: at));
                        break;
                    case 3:
                        var any = market.All<TradeProposal>().ToList();
                        if (any.Count == 0) break;
                        var q = any[random.Next(any.Count)];
                        market.Run(new EndProposal(Market, q.Number, ProposalStatus.Cancelled), Ctx(Principal.Enterprise(q.ProposedBy.Enterprise!.Value), at: at));
                        break;
                    case 4:
                        market.Run(new ExpireOffers(Market, market.All<TradeProposal>().Select(x => x.Number).ToList(), []), Ctx(Principal.Admin, at: at));
                        break;
                    default:
                        market.Run(new CreatePledge(PledgeOf(random.Next(1, 20)), PledgeParty.Bureau), Ctx(Official, $"k{i}", at));
                        break;
                }
            }
            catch (DomainException) { /* refused: nothing written */ }

            var holdings = market.All<Holding>().ToList();
            Assert.Equal(market.Head.Allocated.Grams, holdings.Sum(h => h.Held.Grams));
            Assert.All(holdings, h => Assert.True(h.Available.Grams >= 0));
            var openFrozen = market.All<TradeProposal>().Where(x => x.Status == ProposalStatus.Proposed && x.Freezes)
                .GroupBy(x => x.Request.Seller).ToDictionary(g => g.Key, g => g.Sum(x => x.Request.Quantity.Grams));
            Assert.All(holdings, h => Assert.Equal(openFrozen.GetValueOrDefault(h.Holder), h.Frozen.Grams));
            Assert.Equal(market.All<Pledge>().Where(x => x.Status == PledgeStatus.Active).Sum(x => x.Request.Quantity.Grams), holdings.Sum(h => h.Pledged.Grams));
            Assert.Equal(market.Head.AuditCount, market.All<AuditRecord>().Count());
        }
        Assert.True(market.All<Trade>().Count() > 10, "the sequence settled some trades");
    }
}

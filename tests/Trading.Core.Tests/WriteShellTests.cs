using Trading.Core.Access;
using Trading.Core.Ledger;
using Trading.Core.Ledger.UseCases;
using Trading.Core.Primitives;
using Trading.Core.Tests.Support;

namespace Trading.Core.Tests;

/// <summary>The one shell's loop on an in-memory port: lost races, refusals and the key's binding.</summary>
public sealed class WriteShellTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 10, 0, 0, TimeSpan.FromHours(8));
    private static readonly MarketId Market = new(RegionCode.Parse("131000"), Pollutant.SO2);
    private static readonly Holder Seller = Holder.Of(CreditCode.FromBody("91131000MA0000001"));
    private static readonly Holder Buyer = Holder.Of(CreditCode.FromBody("91131000MA0000002"));
    private static readonly Principal Official = Principal.Official(RegionPrefix.Parse("1310"));

    private static UseCaseContext Ctx(string? key = null) => new(Official, Now, key);

    private static TradeRequest Trade(decimal tonnes) => new(Market, Seller, Buyer, Quantity.FromGrams((long)(tonnes * 1_000_000)), Money.FromFen(600_000), 1,
        TradeMethod.Agreement, Now, Money.FromFen((long)(tonnes * 600_000)), "contract");

    private static InMemoryMarket MarketWith(decimal tonnes)
    {
        var market = new InMemoryMarket(Market);
        market.Run(new Allocate(new AllocationRequest(Market, Seller, Quantity.FromGrams((long)(tonnes * 1_000_000)), "permit")), Ctx("alloc"));
        return market;
    }

    [Fact]
    public void A_lost_race_is_decided_again_on_what_the_winner_wrote()
    {
        var market = MarketWith(10m);
        market.LoseNextCommits = 3;
        var trade = market.Run(new RecordTrade(Trade(4m)), Ctx("t")).Answer!;
        Assert.Equal(1, trade.Sequence);
        Assert.Equal(6_000_000, market.Holding(Seller).Held.Grams);
        Assert.Single(market.All<Trade>());
    }

    [Fact]
    public void A_request_refused_after_a_lost_race_writes_nothing_and_leaves_its_key_unbound()
    {
        var market = MarketWith(10m);
        market.LoseNextCommits = 1;
        // While the first attempt commits, another instance sells 7 t: the retry finds 3 t available and refuses 8 t.
        market.OnLostCommit = m => m.Overwrite(m.Holding(Seller) with { Held = Quantity.FromGrams(3_000_000) });
        var bound = market.Bindings.Bound.Count;
        var refused = Assert.Throws<ConflictException>(() => market.Run(new RecordTrade(Trade(8m)), Ctx("t")));
        Assert.Equal(3m, refused.Extensions["available"]);
        Assert.Empty(market.All<Trade>());
        Assert.Equal(bound, market.Bindings.Bound.Count);
        // The key is free: the same key with another request is accepted, not 422.
        market.OnLostCommit = null;
        var trade = market.Run(new RecordTrade(Trade(2m)), Ctx("t")).Answer!;
        Assert.Equal(1_000_000, market.Holding(Seller).Held.Grams);
        Assert.Equal(2_000_000, trade.Request.Quantity.Grams);
    }

    [Fact]
    public void A_write_that_keeps_losing_gives_up_with_503_and_nothing_written()
    {
        var market = MarketWith(10m);
        market.LoseNextCommits = int.MaxValue;
        var bound = market.Bindings.Bound.Count;
        Assert.Throws<UnavailableException>(() => market.Run(new RecordTrade(Trade(1m)), Ctx("t")));
        Assert.Empty(market.All<Trade>());
        Assert.Equal(bound, market.Bindings.Bound.Count);
    }

    [Fact]
    public void The_same_key_with_another_request_is_422_and_writes_nothing()
    {
        var market = MarketWith(10m);
        market.Run(new RecordTrade(Trade(1m)), Ctx("t"));
        var audit = market.All<AuditRecord>().Count();
        Assert.Throws<RuleViolationException>(() => market.Run(new RecordTrade(Trade(2m)), Ctx("t")));
        Assert.Single(market.All<Trade>());
        Assert.Equal(audit, market.All<AuditRecord>().Count());
    }

    [Fact]
    public void A_write_that_would_overflow_a_holding_is_422_and_writes_nothing()
    {
        var market = MarketWith(10m);
        // A holding near what a long holds (9,200 maximal allocations would reach it): one more allocation is refused whole.
        market.Overwrite(market.Holding(Seller) with { Held = Quantity.FromGrams(long.MaxValue - 1) });
        var audit = market.All<AuditRecord>().Count();
        var head = market.Head;
        var refused = Assert.Throws<RuleViolationException>(() =>
            market.Run(new Allocate(new AllocationRequest(Market, Seller, Quantity.MaxPerRequest, "permit")), Ctx("more")));
        Assert.Contains("past what the ledger can hold", refused.Message);
        Assert.Equal(long.MaxValue - 1, market.Holding(Seller).Held.Grams);
        Assert.Equal((audit, head), (market.All<AuditRecord>().Count(), market.Head));
        var fingerprint = new Allocate(new AllocationRequest(Market, Seller, Quantity.MaxPerRequest, "permit")).Fingerprint;
        Assert.DoesNotContain(market.Bindings.Bound, b => b.Fingerprint == fingerprint); // refused in decide: the key was never bound
    }
}

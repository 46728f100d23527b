using Trading.Core.Access;
using Trading.Core.Ledger;
using Trading.Core.Ledger.UseCases;
using Trading.Core.Market;
using Trading.Core.Market.UseCases;
using Trading.Core.Primitives;
using Trading.Core.Tests.Support;

namespace Trading.Core.Tests;

/// <summary>Settling an auction from a ranking made once: the same rows as ranking every bid at every step, reading only the winners' rows.</summary>
public sealed class AuctionRankingTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 10, 0, 0, TimeSpan.FromHours(8));
    private static readonly MarketId Market = new(RegionCode.Parse("131000"), Pollutant.NOx);
    private static readonly Principal Official = Principal.Official(RegionPrefix.Parse("1310"));
    private static Holder Firm(int n) => Holder.Of(CreditCode.FromBody($"91131000MA{n:D7}"));
    private static Quantity T(decimal tonnes) => Quantity.FromGrams((long)(tonnes * 1_000_000));
    private static Money Y(decimal yuan) => Money.FromFen((long)(yuan * 100));

    private static UseCaseContext Ctx(Principal who, string? key = null, DateTimeOffset? at = null) =>
        new(who, at ?? Now, key is null ? null : Hashing.Sha256Hex(who.Id + "\n" + key));

    /// <summary>An auction of 10 t with 17 bids (as in MarketUseCaseTests) and 100 more losing bids: 16 winners, 117 bidders to notify.</summary>
    private static (InMemoryMarket Market, Auction Auction) Auction()
    {
        var market = new InMemoryMarket(Market);
        market.Run(new Allocate(new AllocationRequest(Market, Holder.Reserve, T(10m), "permit")), Ctx(Official, "alloc"));
        var auction = market.Run(new CreateAuction(new AuctionRequest(Market, T(10m), 5, Y(21_000m), Y(500m), T(0.5m), Now, Now.AddHours(2))),
            Ctx(Official, "auction")).Answer!;
        void Bid(int firm, decimal tonnes, decimal price, DateTimeOffset at) =>
            market.Run(new PlaceBid(Market, auction.Number, Firm(firm), T(tonnes), Y(price)), Ctx(Principal.Enterprise(Firm(firm).Enterprise!.Value), $"b{firm}", at));
        for (var i = 1; i <= 15; i++) Bid(i, 0.6m, 21_000m + 500m * i, Now.AddMinutes(i));
        Bid(16, 2m, 21_000m, Now.AddMinutes(16));
        for (var i = 17; i <= 117; i++) Bid(i, 2m, 21_000m, Now.AddMinutes(30).AddSeconds(i));
        return (market, auction);
    }

    private static string Rows(InMemoryMarket market) => string.Join("\n",
        market.All<Trade>().OrderBy(t => t.Sequence).Select(t => $"{t.Sequence} {t.Request.Buyer} {t.Request.Quantity.Grams} {t.Request.UnitPrice.Fen}")
            .Concat(market.All<Bid>().OrderBy(b => b.Bidder.Value, StringComparer.Ordinal).Select(b => $"{b.Bidder} {b.Filled?.Grams} {b.TradeSequence}"))
            .Append($"{market.Holding(Holder.Reserve)}")
            .Append($"{market.All<Auction>().Single() with { ClosedAt = null }}"));

    [Fact]
    public void Settled_from_one_ranking_per_run_the_auction_ends_as_when_every_step_ranks_every_bid()
    {
        var late = Now.AddHours(3);
        var (plain, auction) = Auction();
        var steps = 0;
        while (plain.Auction(auction.Number).Status != AuctionStatus.Closed && steps++ < 20)
            plain.Run(new SettleAuction(Market, auction.Number), Ctx(Principal.Admin, at: late));

        var (ranked, _) = Auction();
        AuctionRanking? ranking = null;
        var rankings = 0;
        var rankedSteps = 0;
        while (ranked.Auction(auction.Number) is { Status: not AuctionStatus.Closed } state && rankedSteps++ < 20)
        {
            if (state.Status != AuctionStatus.Open && (ranking is null || !ranking.Serves(state)))
            {
                ranking = AuctionRanking.Of(state, ranked.All<Bid>());
                rankings++;
            }
            if (ranking is not null && ranking.Serves(state))
            {
                // The step reads the auction and the rows of the winners it settles, never every bid.
                var reads = new SettleAuction(Market, auction.Number, ranking).Reads(ranked.Load(new MarketReads { Auctions = [auction.Number] }, null), Ctx(Principal.Admin, at: late));
                Assert.Empty(reads.BidsOf);
                Assert.True(reads.Bids.Count <= SettleAuction.MaxWinnersPerStep);
            }
            ranked.Run(new SettleAuction(Market, auction.Number, ranking), Ctx(Principal.Admin, at: late));
        }
        Assert.Equal(steps, rankedSteps);
        Assert.Equal(2, rankings); // once for the winners (after the first step), once for the results
        Assert.Equal(Rows(plain), Rows(ranked));
        Assert.Equal(16, ranked.All<Trade>().Count());
    }

    [Fact]
    public void An_open_auction_is_not_ranked_ahead_and_a_ranking_never_serves_it()
    {
        var (market, auction) = Auction();
        var open = market.Auction(auction.Number);
        Assert.Throws<InvalidOperationException>(() => AuctionRanking.Of(open, market.All<Bid>()));
        var closing = open with { Status = AuctionStatus.Closing };
        var ranking = AuctionRanking.Of(closing, market.All<Bid>());
        Assert.False(ranking.Serves(open));
        Assert.True(ranking.Serves(closing));
        Assert.Equal(16, ranking.Winners.Count);
        Assert.False(ranking.HasResults);
        Assert.False(ranking.Serves(closing with { Settled = 16 })); // the notices need the results: ranked again
        Assert.Equal(AuctionBook.Allocate(T(10m), T(0.5m), market.All<Bid>()), ranking.Winners);
    }
}

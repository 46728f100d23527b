using Trading.Core.Access;
using Trading.Core.Ledger;
using Trading.Core.Ledger.UseCases;
using Trading.Core.Market;
using Trading.Core.Market.UseCases;
using Trading.Core.Primitives;
using Trading.Core.Tests.Support;

namespace Trading.Core.Tests;

/// <summary>Listings and auctions as use cases on an in-memory market.</summary>
public sealed class MarketUseCaseTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 10, 0, 0, TimeSpan.FromHours(8));
    private static readonly MarketId Market = new(RegionCode.Parse("131000"), Pollutant.NOx);
    private static readonly CreditCode SellerCode = CreditCode.FromBody("91131000MA0000001");
    private static readonly Holder Seller = Holder.Of(SellerCode);
    private static readonly Principal SellerKey = Principal.Enterprise(SellerCode);
    private static readonly Principal Official = Principal.Official(RegionPrefix.Parse("1310"));
    private static Holder Firm(int n) => Holder.Of(CreditCode.FromBody($"91131000MA{n:D7}"));
    private static Principal Key(Holder h) => Principal.Enterprise(h.Enterprise!.Value);
    private static UseCaseContext Ctx(Principal who, string? key = null, DateTimeOffset? at = null) =>
        new(who, at ?? Now, key is null ? null : Hashing.Sha256Hex(who.Id + "\n" + key));
    private static Quantity T(decimal tonnes) => Quantity.FromGrams((long)(tonnes * 1_000_000));
    private static Money Y(decimal yuan) => Money.FromFen((long)(yuan * 100));

    private static InMemoryMarket MarketWith(Holder holder, decimal tonnes)
    {
        var market = new InMemoryMarket(Market);
        market.Run(new Allocate(new AllocationRequest(Market, holder, T(tonnes), "permit")), Ctx(Official, "alloc-" + holder));
        return market;
    }

    private static Listing List(InMemoryMarket market, decimal tonnes, decimal price, decimal minLot = 1m, string key = "l") =>
        market.Run(new PostListing(new ListingRequest(Market, Seller, T(tonnes), Y(price), 3, T(minLot), null)), Ctx(SellerKey, key)).Answer!;

    [Fact]
    public void A_listing_freezes_its_quantity_and_is_taken_in_parts_until_filled()
    {
        var market = MarketWith(Seller, 10m);
        var listing = List(market, 6m, 5_000m);
        Assert.Equal(6_000_000, market.Holding(Seller).Frozen.Grams);
        Assert.Equal(1, market.Head.OpenListings);

        var buyer = Firm(2);
        Assert.Throws<RuleViolationException>(() => market.Run(new TakeListing(Market, listing.Number, buyer, T(0.5m)), Ctx(Key(buyer), "small")));
        Assert.Throws<RuleViolationException>(() => market.Run(new TakeListing(Market, listing.Number, Seller, T(1m)), Ctx(SellerKey, "own")));
        var trade = market.Run(new TakeListing(Market, listing.Number, buyer, T(4.5m)), Ctx(Key(buyer), "a")).Answer!;
        Assert.Equal(TradeMethod.Listing, trade.Request.Method);
        Assert.Equal(Y(5_000m), trade.Request.UnitPrice);
        Assert.Equal(Now, trade.Request.TradedAt);
        var over = Assert.Throws<ConflictException>(() => market.Run(new TakeListing(Market, listing.Number, Firm(3), T(2m)), Ctx(Key(Firm(3)), "b")));
        Assert.Equal(1.5m, over.Extensions["remaining"]);
        // All that remains is taken: the listing is filled.
        market.Run(new TakeListing(Market, listing.Number, Firm(3), T(1.5m)), Ctx(Key(Firm(3)), "c"));
        Assert.Equal(ListingStatus.Filled, market.Listing(listing.Number).Status);
        Assert.Equal(0, market.Head.OpenListings);
        Assert.Equal(new Holding(Seller, T(4m), Quantity.Zero, Quantity.Zero), market.Holding(Seller));
        var closed = Assert.Throws<ConflictException>(() => market.Run(new TakeListing(Market, listing.Number, Firm(4), T(1m)), Ctx(Key(Firm(4)), "d")));
        Assert.Equal("filled", closed.Extensions["state"]);
    }

    [Fact]
    public void The_last_part_below_the_minimum_lot_can_still_be_taken_whole()
    {
        var market = MarketWith(Seller, 10m);
        var listing = List(market, 2.5m, 5_000m, minLot: 2m);
        market.Run(new TakeListing(Market, listing.Number, Firm(2), T(2m)), Ctx(Key(Firm(2)), "a"));
        Assert.Throws<RuleViolationException>(() => market.Run(new TakeListing(Market, listing.Number, Firm(3), T(0.4m)), Ctx(Key(Firm(3)), "b")));
        market.Run(new TakeListing(Market, listing.Number, Firm(3), T(0.5m)), Ctx(Key(Firm(3)), "c"));
        Assert.Equal(ListingStatus.Filled, market.Listing(listing.Number).Status);
    }

    [Fact]
    public void Withdrawing_or_expiry_returns_what_remains()
    {
        var market = MarketWith(Seller, 10m);
        var first = List(market, 3m, 5_000m, key: "a");
        var second = market.Run(new PostListing(new ListingRequest(Market, Seller, T(4m), Y(5_000m), 3, T(1m), Now.AddHours(1))), Ctx(SellerKey, "b")).Answer!;
        Assert.Throws<ForbiddenException>(() => market.Run(new WithdrawListing(Market, first.Number), Ctx(Key(Firm(2)))));
        market.Run(new WithdrawListing(Market, first.Number), Ctx(SellerKey));
        Assert.True(market.Run(new WithdrawListing(Market, first.Number), Ctx(SellerKey)).WritesNothing);
        Assert.Equal(1, market.Run(new ExpireOffers(Market, [], [], [first.Number, second.Number]), Ctx(Principal.Admin, at: Now.AddHours(2))).Answer);
        Assert.Equal(ListingStatus.Expired, market.Listing(second.Number).Status);
        Assert.Equal(0, market.Holding(Seller).Frozen.Grams);
        Assert.Equal(0, market.Head.OpenListings);
    }

    [Fact]
    public void A_listing_outside_the_band_of_the_reference_price_is_refused()
    {
        var market = MarketWith(Seller, 100m);
        market.Run(new Allocate(new AllocationRequest(Market, Holder.Reserve, T(10m), "permit")), Ctx(Official, "reserve"));
        // A reference price needs 3 in-band trades by 2 sellers (the reserve is one).
        foreach (var (seller, n) in new[] { (Holder.Reserve, 1), (Holder.Reserve, 2), (Seller, 3) })
        {
            var sale = new TradeRequest(Market, seller, Firm(2), T(1m), Y(10_000m), 1, seller.IsReserve ? TradeMethod.ReserveSale : TradeMethod.Agreement,
                Now.AddDays(-3), Amounts.TradeAmount(T(1m), Y(10_000m), 1), null);
            market.Run(new RecordTrade(sale), Ctx(Official, "sale" + n));
        }
        Assert.Throws<RuleViolationException>(() => List(market, 1m, 13_000.01m, key: "high"));
        List(market, 1m, 13_000m, key: "edge-high");
        List(market, 1m, 7_000m, key: "edge-low");
        Assert.Throws<RuleViolationException>(() => List(market, 1m, 6_999.99m, key: "low"));
    }

    private static (InMemoryMarket Market, Auction Auction) AuctionOf(decimal tonnes, decimal minLot = 0.5m)
    {
        var market = MarketWith(Holder.Reserve, 10m);
        var request = new AuctionRequest(Market, T(tonnes), 5, Y(21_000m), Y(500m), T(minLot), Now, Now.AddHours(2));
        return (market, market.Run(new CreateAuction(request), Ctx(Official, "auction")).Answer!);
    }

    private static Decision<Bid> Bid(InMemoryMarket market, Auction auction, int firm, decimal tonnes, decimal price, DateTimeOffset? at = null, string? key = null) =>
        market.Run(new PlaceBid(Market, auction.Number, Firm(firm), T(tonnes), Y(price)), Ctx(Key(Firm(firm)), key ?? $"bid-{firm}-{price}", at ?? Now.AddMinutes(firm)));

    [Fact]
    public void Bids_keep_to_the_window_the_grid_and_the_lots_and_are_only_raised()
    {
        var (market, auction) = AuctionOf(4.048m);
        Assert.Equal(4_048_000, market.Holding(Holder.Reserve).Frozen.Grams);
        Assert.Throws<RuleViolationException>(() => Bid(market, auction, 1, 1m, 21_000m, at: Now.AddSeconds(-1)));
        Assert.Throws<RuleViolationException>(() => Bid(market, auction, 1, 1m, 21_000m, at: Now.AddHours(2)));
        Assert.Throws<RuleViolationException>(() => Bid(market, auction, 1, 1m, 21_250m));
        Assert.Throws<RuleViolationException>(() => Bid(market, auction, 1, 1m, 20_500m));
        Assert.Throws<RuleViolationException>(() => Bid(market, auction, 1, 0.4m, 21_000m));
        Assert.Throws<RuleViolationException>(() => Bid(market, auction, 1, 4.049m, 21_000m));
        Bid(market, auction, 1, 1m, 21_500m);
        Assert.Throws<RuleViolationException>(() => Bid(market, auction, 1, 2m, 21_500m, key: "same price"));
        Bid(market, auction, 1, 2m, 22_000m);
        Bid(market, auction, 2, 1m, 21_000m);
        var state = market.Auction(auction.Number);
        Assert.Equal(2, state.Bids);
        Assert.Equal(Y(22_000m), state.BestPrice);
    }

    [Fact]
    public void A_bid_whose_trade_would_be_beyond_the_ledgers_range_is_refused()
    {
        var (market, auction) = AuctionOf(10m);
        var ex = Assert.Throws<RuleViolationException>(() => Bid(market, auction, 1, 10m, 21_000m + 500m * 4_000_000_000m));
        Assert.Contains("10,000,000.00", ex.Message); // the unit price's ceiling comes before the amount's range
    }

    [Fact]
    public void An_expiry_batch_of_sellers_offers_fits_in_one_transaction()
    {
        var market = new InMemoryMarket(Market);
        var numbers = new List<long>();
        for (var i = 1; i <= ExpireOffers.MaxPerBatch; i++)
        {
            var seller = Firm(100 + i);
            market.Run(new Allocate(new AllocationRequest(Market, seller, T(1m), "permit")), Ctx(Official, $"a{i}"));
            numbers.Add(market.Run(new PostListing(new ListingRequest(Market, seller, T(1m), Y(5_000m), 3, T(1m), Now.AddMinutes(5))), Ctx(Key(seller), $"l{i}")).Answer!.Number);
        }
        var decision = market.Run(new ExpireOffers(Market, [], [], numbers), Ctx(Principal.Admin, at: Now.AddHours(1)));
        Assert.Equal(ExpireOffers.MaxPerBatch, decision.Answer);
        Assert.True(decision.Changes.Count <= 100, $"{decision.Changes.Count} actions");
    }

    [Fact]
    public void Settling_records_winners_in_steps_resumes_and_returns_the_unsold_quantity()
    {
        var (market, auction) = AuctionOf(10m, minLot: 0.5m);
        // 15 bids of 0.6 t at rising prices (9 t), then one of 2 t that gets the last 1 t (a partial fill of the lot), then one
        // that gets nothing.
        for (var i = 1; i <= 15; i++) Bid(market, auction, i, 0.6m, 21_000m + 500m * i);
        Bid(market, auction, 16, 2m, 21_000m);
        Bid(market, auction, 17, 2m, 21_000m, at: Now.AddMinutes(30));
        var reserveBefore = market.Holding(Holder.Reserve).Held;
        var late = Now.AddHours(3);
        Assert.True(market.Run(new SettleAuction(Market, auction.Number), Ctx(Principal.Admin, at: Now.AddHours(1))).WritesNothing);

        var first = market.Run(new SettleAuction(Market, auction.Number), Ctx(Principal.Admin, at: late)).Answer!;
        Assert.Equal((AuctionStatus.Closing, SettleAuction.MaxWinnersPerStep), (first.Status, first.Settled));
        // The process dies here; the next run resumes at the next winner and never settles one twice.
        var second = market.Run(new SettleAuction(Market, auction.Number), Ctx(Principal.Admin, at: late.AddMinutes(1))).Answer!;
        Assert.Equal(16, second.Settled);
        var closed = market.Run(new SettleAuction(Market, auction.Number), Ctx(Principal.Admin, at: late.AddMinutes(2))).Answer!;
        Assert.Equal(AuctionStatus.Closed, closed.Status);
        Assert.True(market.Run(new SettleAuction(Market, auction.Number), Ctx(Principal.Admin, at: late.AddMinutes(3))).WritesNothing);

        var trades = market.All<Trade>().OrderBy(t => t.Sequence).ToList();
        Assert.Equal(16, trades.Count);
        Assert.Equal(16, trades.Select(t => t.Request.Buyer).Distinct().Count());
        Assert.All(trades, t => Assert.Equal((TradeMethod.Auction, auction.Request.ClosesAt), (t.Request.Method, t.Request.TradedAt)));
        Assert.Equal(Enumerable.Range(1, 15).Select(i => Y(28_500m - 500m * (i - 1))).Append(Y(21_000m)), trades.Select(t => t.Request.UnitPrice));
        Assert.Equal(1_000_000, trades[^1].Request.Quantity.Grams);
        Assert.Equal(0, market.Holding(Holder.Reserve).Frozen.Grams);
        Assert.Equal(reserveBefore.Grams, market.Holding(Holder.Reserve).Held.Grams + trades.Sum(t => t.Request.Quantity.Grams));
        Assert.Equal(0, market.Head.OpenAuctions);
        Assert.True(market.All<Bid>().Single(b => b.Bidder == Firm(17)).Filled is null);
        var month = market.All<MonthCounter>().Single();
        Assert.Equal((16, trades.Sum(t => t.Request.Amount.Fen)), (month.Trades, month.Fen));
    }
}

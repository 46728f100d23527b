using Trading.Core.Access;
using Trading.Core.Finance;
using Trading.Core.Ledger;
using Trading.Core.Ledger.UseCases;
using Trading.Core.Market;
using Trading.Core.Market.UseCases;
using Trading.Core.Primitives;
using Trading.Core.Tests.Support;

namespace Trading.Core.Tests;

/// <summary>
/// Honest prices, run as use cases on an in-memory market: the ±30 % band on agreement prices (at proposal and again at
/// confirmation), officials' trades outside it recorded <c>outsideBand</c> and kept out of every price, prices resting on
/// at least 3 in-band trades by 2 sellers, the unit-price ceiling, and counters that refuse to overflow.
/// </summary>
public sealed class HonestPriceTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 10, 0, 0, TimeSpan.FromHours(8));
    private static readonly MarketId Market = new(RegionCode.Parse("131000"), Pollutant.NOx);
    private static readonly Principal Official = Principal.Official(RegionPrefix.Parse("1310"));
    private static Holder Firm(int n) => Holder.Of(CreditCode.FromBody($"91131000MA{n:D7}"));
    private static Principal Key(Holder h) => Principal.Enterprise(h.Enterprise!.Value);
    private static UseCaseContext Ctx(Principal who, string? key = null, DateTimeOffset? at = null) =>
        new(who, at ?? Now, key is null ? null : Hashing.Sha256Hex(who.Id + "\n" + key));
    private static Quantity T(decimal tonnes) => Quantity.FromGrams((long)(tonnes * 1_000_000));
    private static Money Fen(long fen) => Money.FromFen(fen);

    private static readonly Holder A = Firm(1), B = Firm(2), C = Firm(3);
    private int _keys;

    private InMemoryMarket NewMarket()
    {
        var market = new InMemoryMarket(Market);
        foreach (var h in new[] { A, B, Holder.Reserve })
            market.Run(new Allocate(new AllocationRequest(Market, h, T(1_000m), "permit")), Ctx(Official, "alloc-" + h));
        return market;
    }

    private Trade Record(InMemoryMarket market, Holder seller, Holder buyer, long priceFen, decimal tonnes = 1m, int years = 1, DateTimeOffset? at = null)
    {
        var q = T(tonnes);
        var request = new TradeRequest(Market, seller, buyer, q, Fen(priceFen), years, seller.IsReserve ? TradeMethod.ReserveSale : TradeMethod.Agreement,
            at ?? Now.AddHours(-1), Amounts.TradeAmount(q, Fen(priceFen), years), null);
        return market.Run(new RecordTrade(request), Ctx(Official, "t" + ++_keys)).Answer!;
    }

    /// <summary>A market whose reference price is exactly 10,000.00: three in-band trades by A and B at that price.</summary>
    private InMemoryMarket MarketAt10000()
    {
        var market = NewMarket();
        Record(market, A, C, 1_000_000);
        Record(market, B, C, 1_000_000);
        Record(market, A, C, 1_000_000);
        Assert.Equal(Fen(1_000_000), Reference(market));
        return market;
    }

    private static Money? Reference(InMemoryMarket market) => ReferencePrice.From(market.All<DayCounter>(), Now);

    private ProposalRequest Proposal(Holder seller, Holder buyer, long priceFen, Holder proposer) =>
        new(Market, seller, buyer, T(1m), Fen(priceFen), 1, TradeMethod.Agreement, Amounts.TradeAmount(T(1m), Fen(priceFen), 1), null, proposer, null);

    [Theory]
    [InlineData(700_000, true)]     // exactly −30 %
    [InlineData(699_999, false)]    // one fen below
    [InlineData(1_300_000, true)]   // exactly +30 %
    [InlineData(1_300_001, false)]  // one fen above
    public void A_proposal_lies_within_30_percent_of_the_reference_price(long priceFen, bool accepted)
    {
        var market = MarketAt10000();
        var propose = () => market.Run(new ProposeTrade(Proposal(A, C, priceFen, A)), Ctx(Key(A), "p"));
        if (accepted)
        {
            Assert.Equal(ProposalStatus.Proposed, propose().Answer!.Proposal.Status);
            return;
        }
        var before = market.All<object>().ToList();
        var ex = Assert.Throws<RuleViolationException>(propose);
        Assert.Equal(10_000.00m, ex.Extensions["referencePrice"]);
        var band = (Dictionary<string, decimal>)ex.Extensions["band"]!;
        Assert.Equal(7_000.00m, band["low"]);
        Assert.Equal(13_000.00m, band["high"]);
        Assert.Equal(before, market.All<object>().ToList());
    }

    [Fact]
    public void Confirmation_checks_the_band_again_and_a_refused_confirmation_leaves_the_proposal_open()
    {
        var market = MarketAt10000();
        var proposal = market.Run(new ProposeTrade(Proposal(A, C, 700_000, A)), Ctx(Key(A), "p")).Answer!.Proposal;
        // The market moves up: three more in-band trades at 13,000.00 make the reference 11,500.00 (band 8,050.00 to 14,950.00).
        Record(market, A, C, 1_300_000);
        Record(market, B, C, 1_300_000);
        Record(market, B, C, 1_300_000);
        Assert.Equal(Fen(1_150_000), Reference(market));
        var frozen = market.Holding(A).Frozen;
        var ex = Assert.Throws<RuleViolationException>(() => market.Run(new ConfirmProposal(Market, proposal.Number), Ctx(Key(C))));
        Assert.Equal(11_500.00m, ex.Extensions["referencePrice"]);
        Assert.Equal(ProposalStatus.Proposed, market.Proposal(proposal.Number).Status);
        Assert.Equal(frozen, market.Holding(A).Frozen);
        Assert.Equal(T(1m), frozen);
    }

    [Fact]
    public void Confirmation_in_band_settles_an_in_band_trade()
    {
        var market = MarketAt10000();
        var proposal = market.Run(new ProposeTrade(Proposal(A, C, 1_300_000, C)), Ctx(Key(C), "p")).Answer!.Proposal;
        var settled = market.Run(new ConfirmProposal(Market, proposal.Number), Ctx(Key(A))).Answer!;
        Assert.False(settled.Trade!.OutsideBand);
    }

    [Theory]
    [InlineData(700_000, false)]
    [InlineData(699_999, true)]
    [InlineData(1_300_000, false)]
    [InlineData(1_300_001, true)]
    [InlineData(100_000_000_000, true)] // the repro: 1 t at 1,000,000,000.00 is above the ceiling
    public void An_officials_trade_outside_the_band_is_recorded_outsideBand_and_left_out_of_every_price(long priceFen, bool outside)
    {
        var market = MarketAt10000();
        if (priceFen > Settlement.MaxUnitPrice.Fen)
        {
            Assert.Throws<RuleViolationException>(() => Record(market, A, C, priceFen));
            priceFen = Settlement.MaxUnitPrice.Fen; // the highest price an official can record
        }
        var month = ReportingMonth.Of(Now.AddHours(-1));
        var counterBefore = market.Get<MonthCounter>("month:" + month)!;
        var pledgeBefore = MarketPrice.FromDays(market.All<DayCounter>(), DayCounter.DayOf(Now).AddDays(1));
        var lastPriceBefore = market.Head.LastPriceFen;

        var trade = Record(market, B, C, priceFen, tonnes: 2m);

        Assert.Equal(outside, trade.OutsideBand);
        Assert.True(trade.HashIsValid());
        var counter = market.Get<MonthCounter>("month:" + month)!;
        // Counted in every volume and amount.
        Assert.Equal(counterBefore.Trades + 1, counter.Trades);
        Assert.Equal(counterBefore.Grams + 2_000_000, counter.Grams);
        Assert.Equal(counterBefore.Fen + trade.Request.Amount.Fen, counter.Fen);
        var pledgeAfter = MarketPrice.FromDays(market.All<DayCounter>(), DayCounter.DayOf(Now).AddDays(1));
        if (outside)
        {
            // In no price: reference, monthly vwap / low / high, the pledge price, the last price.
            Assert.Equal(Fen(1_000_000), Reference(market));
            Assert.Equal(counterBefore.Vwap, counter.Vwap);
            Assert.Equal(counterBefore.Low, counter.Low);
            Assert.Equal(counterBefore.High, counter.High);
            Assert.Equal(pledgeBefore, pledgeAfter);
            Assert.Equal(lastPriceBefore, market.Head.LastPriceFen);
        }
        else
        {
            Assert.NotEqual(pledgeBefore, pledgeAfter);
            Assert.Equal(priceFen, market.Head.LastPriceFen);
        }
    }

    [Fact]
    public void A_pledge_limit_is_unchanged_by_an_out_of_band_trade()
    {
        var market = MarketAt10000();
        var today = DayCounter.DayOf(Now).AddDays(1);
        var limit = () =>
        {
            var prices = new Dictionary<MarketId, MarketPrice>();
            if (MarketPrice.FromDays(market.All<DayCounter>(), today) is { } p) prices[Market] = p;
            var product = new LoanProductInput
            {
                Name = "排污权质押贷", MinGrade = "B", AllowUngraded = false, MinCreditRating = "Blue", RequirePositiveList = false,
                Industries = [], Regions = ["1310"], MinAmount = 0m, MaxAmount = 1_000_000_000m, AnnualRatePct = 3.45m, TermMonths = 36,
                Pledge = new LoanProductInput.PledgeInput { Pollutants = ["NOx"], LoanToValue = 0.7m },
            }.Validate(BankId.TryParse("ICBC-LF", out var bank, out _) ? bank : default, "p1", DateTimeOffset.UnixEpoch);
            var firm = new Enterprises.Enterprise(CreditCode.FromBody("91131000MA0000009"), "Firm", RegionCode.Parse("131000"), Industry.IndustrialCoating,
                PerformanceGrade.A, new DateOnly(2030, 1, 1), false, CreditRating.Green, DateTimeOffset.UnixEpoch);
            return Eligibility.Evaluate(product, firm, [new MarketHolding(Market, new Holding(Firm(9), T(10m), Quantity.Zero, Quantity.Zero))], prices, today).Limit;
        };
        var before = limit();
        Assert.NotNull(before);
        Assert.True(Record(market, B, C, 1_000_000_000, tonnes: 1m).OutsideBand); // 10,000,000.00: 1,000 × the reference
        Assert.Equal(before, limit());
    }

    [Fact]
    public void A_reference_price_needs_3_in_band_trades_by_2_sellers()
    {
        var market = NewMarket();
        Record(market, A, C, 1_000_000);
        Record(market, A, C, 1_000_000);
        Assert.Null(Reference(market));                        // 2 trades
        Record(market, A, C, 1_000_000);
        Assert.Null(Reference(market));                        // 3 trades by one seller
        Assert.Contains("3 in-band trade(s) by 1 seller(s)", ReferencePrice.Evidence(market.All<DayCounter>(), Now).Shortfall);
        Assert.Null(MarketPrice.FromDays(market.All<DayCounter>(), DayCounter.DayOf(Now).AddDays(1)));
        Record(market, Holder.Reserve, C, 1_300_000);          // the reserve is a second seller
        Assert.Equal(Fen(1_075_000), Reference(market));        // (3 × 10,000 + 13,000) / 4
        Assert.NotNull(MarketPrice.FromDays(market.All<DayCounter>(), DayCounter.DayOf(Now).AddDays(1)));
    }

    [Fact]
    public void Three_trades_by_two_sellers_on_different_days_make_a_price()
    {
        var market = NewMarket();
        Record(market, A, C, 1_000_000, at: Now.AddDays(-10));
        Record(market, A, C, 1_000_000, at: Now.AddDays(-5));
        Record(market, B, C, 1_000_000, at: Now.AddDays(-1));
        Assert.Equal(Fen(1_000_000), Reference(market));
    }

    [Theory]
    [InlineData(1_000_000_000, false)]
    [InlineData(1_000_000_001, true)]
    public void The_unit_price_is_at_most_10_million(long priceFen, bool refused)
    {
        var market = NewMarket();
        if (refused)
        {
            Assert.Throws<RuleViolationException>(() => Record(market, A, C, priceFen));
            Assert.Throws<RuleViolationException>(() => market.Run(new ProposeTrade(Proposal(A, C, priceFen, A)), Ctx(Key(A), "p")));
            Assert.Throws<RuleViolationException>(() => market.Run(new PostListing(new ListingRequest(Market, A, T(1m), Fen(priceFen), 1, T(1m), null)), Ctx(Key(A), "l")));
            Assert.Empty(market.All<Trade>());
        }
        else Assert.False(Record(market, A, C, priceFen).OutsideBand);
    }

    public enum Counter { Trades, Grams, Fen, GramYears }

    /// <summary>A trade of 2 t at 1,000.00 for 3 years: 2,000,000 g, 600,000 fen (6,000.00 CNY), 6,000,000 g·a.</summary>
    [Theory]
    [InlineData(Counter.Trades, 1L)]
    [InlineData(Counter.Grams, 2_000_000L)]
    [InlineData(Counter.Fen, 600_000L)]
    [InlineData(Counter.GramYears, 6_000_000L)]
    public void A_month_counter_refuses_to_overflow_at_the_exact_boundary_and_nothing_is_written(Counter counter, long added)
    {
        foreach (var (room, fits) in new[] { (added, true), (added - 1, false) })
        {
            var market = NewMarket();
            var month = ReportingMonth.Of(Now.AddHours(-1));
            var full = long.MaxValue - room;
            var seeded = counter switch
            {
                Counter.Trades => MonthCounter.Empty(month) with { Trades = full },
                Counter.Grams => MonthCounter.Empty(month) with { Grams = full },
                Counter.Fen => MonthCounter.Empty(month) with { Fen = full },
                _ => MonthCounter.Empty(month) with { GramYears = full },
            };
            market.Overwrite(seeded);
            var before = market.All<object>().ToList();
            var record = () => Record(market, A, C, 100_000, tonnes: 2m, years: 3);
            if (fits)
            {
                record();
                var after = market.Get<MonthCounter>("month:" + month)!;
                Assert.Equal(long.MaxValue, counter switch
                {
                    Counter.Trades => after.Trades, Counter.Grams => after.Grams, Counter.Fen => after.Fen, _ => after.GramYears,
                });
            }
            else
            {
                var ex = Assert.Throws<RuleViolationException>(record);
                Assert.Contains("9,223,372,036,854,775,807", ex.Message);
                Assert.Equal(before, market.All<object>().ToList());
                Assert.Empty(market.All<Trade>());
            }
        }
    }

    [Theory]
    [InlineData(Counter.Trades, 1L)]
    [InlineData(Counter.Fen, 600_000L)]
    [InlineData(Counter.GramYears, 6_000_000L)]
    public void A_day_counter_refuses_to_overflow_at_the_exact_boundary_and_nothing_is_written(Counter counter, long added)
    {
        foreach (var (room, fits) in new[] { (added, true), (added - 1, false) })
        {
            var market = NewMarket();
            var day = DayCounter.DayOf(Now.AddHours(-1));
            var full = long.MaxValue - room;
            market.Overwrite(counter switch
            {
                Counter.Trades => DayCounter.Empty(day) with { Trades = full },
                Counter.Fen => DayCounter.Empty(day) with { Fen = full },
                _ => DayCounter.Empty(day) with { GramYears = full },
            });
            var before = market.All<object>().ToList();
            var record = () => Record(market, A, C, 100_000, tonnes: 2m, years: 3);
            if (fits) record();
            else
            {
                Assert.Throws<RuleViolationException>(record);
                Assert.Equal(before, market.All<object>().ToList());
            }
        }
    }

    [Fact]
    public void Prices_read_from_maximal_counters_never_overflow()
    {
        var days = Enumerable.Range(0, 91).Select(i => new DayCounter(DayCounter.DayOf(Now).AddDays(-i), long.MaxValue, long.MaxValue, long.MaxValue / 1000,
            long.MaxValue, long.MaxValue, long.MaxValue / 1000, "A", "B")).ToList();
        Assert.NotNull(ReferencePrice.From(days, Now));
        Assert.NotNull(MarketPrice.FromDays(days, DayCounter.DayOf(Now).AddDays(1)));
    }
}

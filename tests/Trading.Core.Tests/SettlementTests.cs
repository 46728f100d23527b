using Trading.Core.Ledger;
using Trading.Core.Primitives;

namespace Trading.Core.Tests;

public sealed class SettlementTests
{
    private static readonly DateTimeOffset Now = new(2024, 7, 1, 10, 0, 0, TimeSpan.FromHours(8));
    private static readonly Holder SellerId = Holder.Of(CreditCode.FromBody("91131000MA0000001"));
    private static readonly Holder BuyerId = Holder.Of(CreditCode.FromBody("91131000MA0000002"));

    private static TradeRequest Request(long grams) => new TradeInput
    {
        Region = "131000", Pollutant = "SO2", Seller = SellerId.Value, Buyer = BuyerId.Value, Quantity = grams / 1_000_000m,
        UnitPrice = 6000m, TermYears = 5, Method = "Agreement", TradedAt = "2024-06-30T23:30:00+08:00",
    }.Validate(Now);

    private static readonly ReportingMonth June = new(2024, 6);

    private static MarketSnapshot State(long held, long pledged = 0, long frozen = 0, long buyerHeld = 0, MarketHead? head = null, MonthCounter? month = null) =>
        MarketSnapshot.Empty(Request(1).Market) with
        {
            Head = new(head ?? MarketHead.Empty, "h"),
            Holdings = new Dictionary<Holder, Versioned<Holding>>
            {
                [SellerId] = new(new Holding(SellerId, Quantity.FromGrams(held), Quantity.FromGrams(pledged), Quantity.FromGrams(frozen)), "s"),
                [BuyerId] = new(new Holding(BuyerId, Quantity.FromGrams(buyerHeld), Quantity.Zero, Quantity.Zero), "b"),
            },
            Months = new Dictionary<ReportingMonth, Versioned<MonthCounter>> { [June] = new(month ?? MonthCounter.Empty(June), "m") },
            Days = new Dictionary<DateOnly, Versioned<DayCounter>> { [new DateOnly(2024, 6, 30)] = new(DayCounter.Empty(new DateOnly(2024, 6, 30)), null) },
            PriceDays = [],
        };

    private static SettlementResult Settle(TradeRequest request, MarketSnapshot state) => Settlement.Settle(request, state, state.Head.Value, Now, "admin");
    private static Holding Written(SettlementResult r, Holder holder) => r.Changes.Select(c => c.Row).OfType<Holding>().Single(h => h.Holder == holder);
    private static MonthCounter Month(SettlementResult r) => r.Changes.Select(c => c.Row).OfType<MonthCounter>().Single();
    private static DayCounter Day(SettlementResult r) => r.Changes.Select(c => c.Row).OfType<DayCounter>().Single();

    [Fact]
    public void Settling_moves_exactly_the_quantity_and_conserves_rights()
    {
        var state = State(held: 10_000_000, buyerHeld: 3_000_000);
        var result = Settle(Request(8_074_000), state);
        Assert.Equal(1_926_000, Written(result, SellerId).Held.Grams);
        Assert.Equal(11_074_000, Written(result, BuyerId).Held.Grams);
        Assert.Equal(13_000_000, Written(result, SellerId).Held.Grams + Written(result, BuyerId).Held.Grams);
        // Every row read is written under If-Match on the version read; the trade is created.
        Assert.Contains(result.Changes, c => c.Row is Holding { Holder: var h } && h == SellerId && c.IfMatch == "s");
        Assert.Contains(result.Changes, c => c.Row is Trade && c.IfMatch is null);
    }

    [Fact]
    public void Selling_everything_available_leaves_zero() =>
        Assert.Equal(0, Written(Settle(Request(10_000_000), State(held: 10_000_000)), SellerId).Available.Grams);

    [Fact]
    public void One_gram_more_than_available_is_an_oversell_with_the_available_quantity()
    {
        var ex = Assert.Throws<ConflictException>(() => Settle(Request(10_000_001), State(held: 10_000_000)));
        Assert.Equal(10m, ex.Extensions["available"]);
    }

    [Fact]
    public void Pledged_and_frozen_quantities_cannot_be_sold()
    {
        var state = State(held: 10_000_000, pledged: 4_000_000, frozen: 1_000_000);
        var ex = Assert.Throws<ConflictException>(() => Settle(Request(5_000_001), state));
        Assert.Equal(5m, ex.Extensions["available"]);
        Assert.Equal(0, Written(Settle(Request(5_000_000), state), SellerId).Available.Grams);
    }

    [Fact]
    public void What_the_trades_own_offer_froze_counts_as_available_to_it()
    {
        var state = State(held: 10_000_000, frozen: 10_000_000);
        Assert.Throws<ConflictException>(() => Settle(Request(1), state));
        var result = Settlement.Settle(Request(4_000_000), state, state.Head.Value, Now, "admin", Quantity.FromGrams(4_000_000));
        Assert.Equal(new Holding(SellerId, Quantity.FromGrams(6_000_000), Quantity.Zero, Quantity.FromGrams(6_000_000)), Written(result, SellerId));
    }

    [Fact]
    public void Each_trade_takes_the_next_sequence_and_chains_to_the_previous_hash()
    {
        var first = Settle(Request(1_000_000), State(held: 10_000_000));
        Assert.Equal(1, first.Trade.Sequence);
        Assert.Equal(Trade.GenesisHash, first.Trade.PreviousHash);
        Assert.True(first.Trade.HashIsValid());
        var second = Settle(Request(1_000_000), State(held: 9_000_000, head: first.Head, month: Month(first)));
        Assert.Equal(2, second.Trade.Sequence);
        Assert.Equal(first.Trade.Hash, second.Trade.PreviousHash);
        Assert.Equal(second.Trade.Hash, second.Head.LastHash);
        Assert.False((second.Trade with { PreviousHash = Trade.GenesisHash }).HashIsValid());
    }

    [Fact]
    public void The_month_and_day_counters_count_the_trade_in_its_China_month_and_day()
    {
        var result = Settle(Request(8_074_000), State(held: 10_000_000));
        // 8.074 t × 5 years = 40,370,000 gram-years at 6,000.00: low = high = 600,000 fen.
        Assert.Equal(new MonthCounter(June, 1, 8_074_000, 24_222_000, false, 40_370_000, 600_000, 600_000, 1, 24_222_000, 40_370_000), Month(result));
        Assert.Equal(new DayCounter(new DateOnly(2024, 6, 30), 1, 24_222_000, 40_370_000, 1, 24_222_000, 40_370_000, SellerId.Value), Day(result));
    }

    [Fact]
    public void A_closed_month_refuses_the_trade_before_anything_else()
    {
        var closedRow = State(held: 0, month: MonthCounter.Empty(June) with { Closed = true });
        Assert.Throws<RuleViolationException>(() => Settle(Request(1), closedRow));
        var closing = State(held: 0) with { ClosedMonths = new HashSet<ReportingMonth> { June } };
        Assert.Throws<RuleViolationException>(() => Settle(Request(1), closing));
    }

    [Fact]
    public void A_month_sum_beyond_the_ledgers_range_is_a_broken_rule_not_an_overflow()
    {
        var full = MonthCounter.Empty(June) with { Fen = long.MaxValue - 10 };
        Assert.Throws<RuleViolationException>(() => Settle(Request(1_000_000), State(held: 10_000_000, month: full)));
    }
}

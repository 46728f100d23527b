using Trading.Core.Access;
using Trading.Core.Ledger;
using Trading.Core.Primitives;

namespace Trading.Core.Tests;

public sealed class AmountTests
{
    private static Quantity T(string tonnes) => Quantity.TryFromTonnes(decimal.Parse(tonnes, System.Globalization.CultureInfo.InvariantCulture), out var q, out _) ? q : throw new ArgumentException(tonnes);
    private static Money Y(string yuan) => Money.TryFromYuan(decimal.Parse(yuan, System.Globalization.CultureInfo.InvariantCulture), false, out var m, out _) ? m : throw new ArgumentException(yuan);

    [Theory]
    [InlineData("96", "389", 5, 18_672_000)]        // published trade: 186,720.00
    [InlineData("8.074", "6000", 5, 24_222_000)]    // 242,220.00
    [InlineData("21.648", "4500", 5, 48_708_000)]   // 487,080.00
    [InlineData("0.000001", "5000", 1, 1)]          // 0.005 rounds half away from zero to 0.01
    [InlineData("0.000001", "4999.99", 1, 0)]       // 0.00499999 rounds down
    [InlineData("0.000003", "1666.67", 1, 1)]       // 0.00500001 rounds up
    [InlineData("1.234567", "0.01", 5, 6)]          // 0.06172835 -> 0.06
    [InlineData("1000000000", "1000000", 5, 500_000_000_000_000_000)]
    public void Amount_is_quantity_times_price_times_years_rounded_half_away_from_zero(string q, string p, int years, long fen) =>
        Assert.Equal(fen, Amounts.TradeAmount(T(q), Y(p), years).Fen);

    [Fact]
    public void Two_published_trades_sum_exactly() =>
        // The domain notes quote 730,800.00 for (8.074 x 6000 + 21.648 x 4500) x 5; the factors give 729,300.00.
        Assert.Equal(72_930_000, Amounts.TradeAmount(T("8.074"), Y("6000"), 5).Fen + Amounts.TradeAmount(T("21.648"), Y("4500"), 5).Fen);

    [Fact]
    public void An_amount_past_64_bits_of_fen_overflows_loudly() =>
        Assert.Throws<OverflowException>(() => Amounts.TradeAmount(T("1000000000"), Y("1000000000000"), 5));
}

public sealed class TradeValidationTests
{
    private static readonly DateTimeOffset Now = new(2024, 7, 1, 10, 0, 0, TimeSpan.FromHours(8));
    private static readonly string Seller = CreditCode.FromBody("91131000MA0000001").Value;
    private static readonly string Buyer = CreditCode.FromBody("91131000MA0000002").Value;

    private static TradeInput Valid() => new()
    {
        Region = "131000", Pollutant = "SO2", Seller = Seller, Buyer = Buyer, Quantity = 8.074m, UnitPrice = 6000m,
        TermYears = 5, Method = "Agreement", TradedAt = "2024-06-30T23:30:00+08:00", Amount = 242220.00m, Reference = "contract 2024-118",
    };

    [Fact]
    public void A_valid_trade_validates_with_its_month_and_amount()
    {
        var r = Valid().Validate(Now);
        Assert.Equal(new ReportingMonth(2024, 6), r.Month);
        Assert.Equal(24_222_000, r.Amount.Fen);
        Assert.Equal("131000-SO2", r.Market.Key);
    }

    [Fact]
    public void Amount_is_optional_and_computed()
    {
        var input = Valid();
        input.Amount = null;
        Assert.Equal(24_222_000, input.Validate(Now).Amount.Fen);
    }

    [Fact]
    public void Missing_and_bad_fields_are_all_named_at_once()
    {
        var ex = Assert.Throws<ValidationException>(() => new TradeInput { Region = "1310", Quantity = 1.0000001m }.Validate(Now));
        foreach (var field in new[] { "region", "pollutant", "seller", "buyer", "quantity", "unitPrice", "termYears", "method", "tradedAt" })
            Assert.Contains(field, ex.Errors.Keys);
        Assert.DoesNotContain("amount", ex.Errors.Keys);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(6)]
    public void Term_is_1_to_5_years(int years)
    {
        var input = Valid();
        input.TermYears = years;
        input.Amount = null;
        Assert.Contains("termYears", Assert.Throws<ValidationException>(() => input.Validate(Now)).Errors.Keys);
    }

    [Fact]
    public void Seller_equal_to_buyer_breaks_a_rule()
    {
        var input = Valid();
        input.Buyer = Seller;
        Assert.Contains("same party", Assert.Throws<RuleViolationException>(() => input.Validate(Now)).Message);
    }

    [Fact]
    public void An_amount_off_by_one_fen_breaks_a_rule()
    {
        var input = Valid();
        input.Amount = 242220.01m;
        Assert.Contains("242220.00", Assert.Throws<RuleViolationException>(() => input.Validate(Now)).Message);
    }

    [Fact]
    public void Trades_more_than_5_minutes_ahead_are_refused_and_up_to_5_minutes_accepted()
    {
        var input = Valid();
        input.TradedAt = Timestamps.Format(Now.AddMinutes(5));
        input.Validate(Now);
        input.TradedAt = Timestamps.Format(Now.AddMinutes(5).AddSeconds(1));
        Assert.Contains("future", Assert.Throws<RuleViolationException>(() => input.Validate(Now)).Message);
    }

    [Fact]
    public void Trades_before_2000_are_refused()
    {
        var input = Valid();
        input.TradedAt = "1999-12-31T23:59:59+08:00";
        Assert.Throws<RuleViolationException>(() => input.Validate(Now));
        input.TradedAt = "2000-01-01T00:00:00+08:00";
        input.Validate(Now);
    }

    [Fact]
    public void A_timestamp_without_offset_is_bad_input()
    {
        var input = Valid();
        input.TradedAt = "2024-06-30T23:30:00";
        Assert.Contains("tradedAt", Assert.Throws<ValidationException>(() => input.Validate(Now)).Errors.Keys);
    }

    [Fact]
    public void The_reserve_sells_only_by_ReserveSale_and_ReserveSale_only_by_the_reserve()
    {
        var input = Valid();
        input.Seller = "reserve";
        Assert.Throws<RuleViolationException>(() => input.Validate(Now));
        input.Method = "ReserveSale";
        Assert.True(input.Validate(Now).Seller.IsReserve);
        input.Seller = Seller;
        Assert.Throws<RuleViolationException>(() => input.Validate(Now));
    }

    [Fact]
    public void The_reserve_cannot_buy()
    {
        var input = Valid();
        input.Buyer = "reserve";
        Assert.Contains("buyer", Assert.Throws<ValidationException>(() => input.Validate(Now)).Errors.Keys);
    }

    [Fact]
    public void Fingerprint_ignores_formatting_but_not_meaning()
    {
        var a = Valid();
        var b = Valid();
        b.Quantity = 8.0740m;
        b.Amount = null;
        b.TradedAt = "2024-06-30T15:30:00Z";
        Assert.Equal(a.Validate(Now).Fingerprint(), b.Validate(Now).Fingerprint());
        b.Quantity = 8.075m;
        Assert.NotEqual(a.Validate(Now).Fingerprint(), b.Validate(Now).Fingerprint());
    }
}

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
        Assert.Equal(new MonthCounter(June, 1, 8_074_000, 24_222_000, false, 40_370_000, 600_000, 600_000), Month(result));
        Assert.Equal(new DayCounter(new DateOnly(2024, 6, 30), 1, 24_222_000, 40_370_000), Day(result));
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

public sealed class PrincipalTests
{
    [Fact]
    public void An_official_governs_regions_under_its_prefix_only()
    {
        var langfang = Principal.Official(RegionPrefix.Parse("1310"));
        Assert.True(langfang.GovernsRegion(RegionCode.Parse("131024")));
        Assert.False(langfang.GovernsRegion(RegionCode.Parse("130100")));
        Assert.True(langfang.GovernsPrefix(RegionPrefix.Parse("131024")));
        Assert.False(langfang.GovernsPrefix(RegionPrefix.Parse("13")));
        Assert.False(langfang.GovernsPrefix(RegionPrefix.All));
        Assert.True(Principal.Admin.GovernsPrefix(RegionPrefix.All));
    }

    [Fact]
    public void Enterprises_and_banks_govern_no_region()
    {
        var code = CreditCode.FromBody("91131000MA0000001");
        Assert.False(Principal.Enterprise(code).GovernsRegion(RegionCode.Parse("131000")));
        Assert.True(Principal.Enterprise(code).IsEnterprise(code));
        Assert.True(BankId.TryParse("ICBC-LF", out var bank, out _));
        Assert.False(Principal.Bank(bank).GovernsRegion(RegionCode.Parse("131000")));
    }

    [Theory]
    [InlineData("official", "1310", true)]
    [InlineData("official", "131", false)]
    [InlineData("enterprise", "91330100716105852F", true)]
    [InlineData("enterprise", "91330100716105852E", false)]
    [InlineData("bank", "ICBC-LF", true)]
    [InlineData("bank", "1CBC", false)]
    [InlineData("admin", "", true)]
    [InlineData("admin", "x", false)]
    [InlineData("root", "", false)]
    public void Keys_are_issued_for_valid_role_and_subject_pairs(string role, string subject, bool valid)
    {
        var errors = new FieldErrors();
        var principal = Principal.TryCreate(role, subject, errors);
        Assert.Equal(valid, principal is not null && !errors.Any);
    }
}

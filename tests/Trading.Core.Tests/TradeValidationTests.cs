using Trading.Core.Ledger;
using Trading.Core.Primitives;

namespace Trading.Core.Tests;

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

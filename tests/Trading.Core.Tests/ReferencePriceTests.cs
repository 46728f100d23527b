using Trading.Core.Access;
using Trading.Core.Finance;
using Trading.Core.Ledger;
using Trading.Core.Ledger.UseCases;
using Trading.Core.Market;
using Trading.Core.Primitives;
using Trading.Core.Tests.Support;

namespace Trading.Core.Tests;

public sealed class ReferencePriceTests
{
    [Theory]
    [InlineData(10_000, 7_000, true)]
    [InlineData(10_000, 6_999, false)]
    [InlineData(10_000, 13_000, true)]
    [InlineData(10_000, 13_001, false)]
    [InlineData(10_001, 7_001, true)]   // 70 % of 100.01 is 70.007: 70.01 is inside, 70.00 is not
    [InlineData(10_001, 7_000, false)]
    [InlineData(10_001, 13_001, true)]  // 130 % is 130.013: 130.01 inside, 130.02 not
    [InlineData(10_001, 13_002, false)]
    public void The_band_is_exactly_30_percent_either_side(long referenceFen, long priceFen, bool inside)
    {
        var check = () => ReferencePrice.RequireInBand(Money.FromFen(priceFen), Money.FromFen(referenceFen));
        if (inside) check();
        else
        {
            var ex = Assert.Throws<RuleViolationException>(check);
            Assert.Equal(referenceFen / 100m, (decimal)ex.Extensions["referencePrice"]!);
            var band = (Dictionary<string, decimal>)ex.Extensions["band"]!;
            Assert.True(band["low"] * 100 >= referenceFen * 0.7m && band["high"] * 100 <= referenceFen * 1.3m);
        }
    }

    [Fact]
    public void Without_a_reference_price_any_price_goes() => ReferencePrice.RequireInBand(Money.FromFen(1), null);

    [Fact]
    public void Vwap_from_counters_equals_vwap_from_trades()
    {
        var market = new MarketId(RegionCode.Parse("131000"), Pollutant.NOx);
        var random = new Random(11);
        var now = new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.FromHours(8));
        var state = new InMemoryMarket(market);
        var firm = Holder.Of(CreditCode.FromBody("91131000MA0000001"));
        state.Run(new Allocate(new AllocationRequest(market, Holder.Reserve, Quantity.FromGrams(1_000_000_000_000), "permit")), new UseCaseContext(Principal.Admin, now, "a"));
        state.Run(new Allocate(new AllocationRequest(market, firm, Quantity.FromGrams(1_000_000_000_000), "permit")), new UseCaseContext(Principal.Admin, now, "b"));
        for (var i = 0; i < 300; i++)
        {
            var seller = i % 2 == 0 ? Holder.Reserve : firm;
            var at = now.AddMinutes(-random.Next(0, 500 * 24 * 60));
            var q = Quantity.FromGrams(random.Next(1, 50_000_000));
            var price = Money.FromFen(random.Next(100_000, 3_000_000));
            var years = random.Next(1, 6);
            var buyer = Holder.Of(CreditCode.FromBody("91131000MA" + random.Next(1000000, 9999999)));
            var request = new TradeRequest(market, seller, buyer, q, price, years, seller.IsReserve ? TradeMethod.ReserveSale : TradeMethod.Agreement, at,
                Amounts.TradeAmount(q, price, years), null);
            state.Run(new RecordTrade(request), new UseCaseContext(Principal.Admin, now, "t" + i));
        }
        var days = state.All<DayCounter>().ToList();
        // Out-of-band trades (priced against the reference at their recording) are in no price: the expected figures use the rest.
        var all = state.All<Trade>().ToList();
        Assert.Contains(all, t => t.OutsideBand);
        var trades = all.Where(t => !t.OutsideBand).Select(t => t.Request).ToList();

        // The 90-day reference price: China dates from today − 90 through today.
        var today = DayCounter.DayOf(now);
        var window = trades.Where(t => DayCounter.DayOf(t.TradedAt) >= today.AddDays(-90)).ToList();
        Assert.NotEmpty(window);
        var expected = Vwap.Of(window.Sum(t => t.Amount.Fen), window.Aggregate(System.Numerics.BigInteger.Zero, (s, t) => s + (System.Numerics.BigInteger)t.Quantity.Grams * t.TermYears));
        Assert.Equal(expected, ReferencePrice.From(days, now));
        // The pledge valuation's 12-month price: the same from day counters as from the trades themselves.
        Assert.Equal(MarketPrice.From(all.Select(t => (t.Request.Quantity.Grams, t.Request.TermYears, t.Request.Amount.Fen, t.Request.TradedAt,
            t.Request.Seller.Value, t.OutsideBand)), today), MarketPrice.FromDays(days, today));
        // Each month's vwap, low and high from its counter equal those of its trades.
        foreach (var month in state.All<MonthCounter>())
        {
            var of = trades.Where(t => t.Month == month.Month).ToList();
            Assert.Equal(all.Count(t => t.Request.Month == month.Month), month.Trades);
            Assert.Equal(Vwap.Of(of.Sum(t => t.Amount.Fen), of.Sum(t => t.Quantity.Grams * t.TermYears)), month.Vwap);
            Assert.Equal(of.Min(t => t.UnitPrice.Fen), month.LowFen);
            Assert.Equal(of.Max(t => t.UnitPrice.Fen), month.HighFen);
        }
    }
}

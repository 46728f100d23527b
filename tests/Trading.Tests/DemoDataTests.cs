using Trading.Core.Primitives;
using Trading.Functions.Hosting;

namespace Trading.Tests;

public sealed class DemoDataTests
{
    private static (int Trades, long Fen) Sum(DemoData.Plan plan, string prefix, ReportingMonth from, ReportingMonth to)
    {
        var trades = plan.Trades.Where(t => t.Market.Region.Value.StartsWith(prefix, StringComparison.Ordinal) && t.Month >= from && t.Month <= to).ToList();
        return (trades.Count, trades.Sum(t => t.Amount.Fen));
    }

    [Fact]
    public void Langfang_first_half_of_2024_is_118_trades_and_3608200_yuan_against_43_and_1985800()
    {
        var plan = DemoData.Build();
        Assert.Equal((118, 360_820_000L), Sum(plan, "1310", new(2024, 1), new(2024, 6)));
        Assert.Equal((43, 198_580_000L), Sum(plan, "1310", new(2023, 1), new(2023, 6)));
    }

    [Fact]
    public void The_plan_is_the_same_every_time_and_every_trade_is_valid()
    {
        var a = DemoData.Build();
        var b = DemoData.Build();
        Assert.Equal(a.Trades.Select(t => t.Fingerprint()), b.Trades.Select(t => t.Fingerprint()));
        Assert.All(a.Trades, t =>
        {
            Assert.NotEqual(t.Seller, t.Buyer);
            Assert.Equal(t.Amount, Trading.Core.Ledger.Amounts.TradeAmount(t.Quantity, t.UnitPrice, t.TermYears));
            Assert.True(t.TradedAt < new DateTimeOffset(2025, 11, 1, 0, 0, 0, TimeSpan.FromHours(8)));
        });
        // Every seller was allocated at least what it sells in each market.
        foreach (var g in a.Trades.GroupBy(t => (t.Market, t.Seller)))
            Assert.True(a.Allocations.Where(x => x.Market == g.Key.Market && x.Holder == g.Key.Seller).Sum(x => x.Quantity.Grams) >= g.Sum(t => t.Quantity.Grams));
        Assert.Contains(a.Trades, t => t.TradedAt == new DateTimeOffset(2024, 6, 30, 23, 30, 0, TimeSpan.FromHours(8)));
    }
}

using Trading.Core.Primitives;
using Trading.Tests.Support;

namespace Trading.Tests;

public sealed class AggregatesTests(GeneratedTradesFixture api) : IClassFixture<GeneratedTradesFixture>
{
    private (long Trades, long Grams, long Fen) Brute(string prefix, ReportingMonth from, ReportingMonth to, string? pollutant = null)
    {
        var hits = api.Trades.Where(t => t.Region.StartsWith(prefix, StringComparison.Ordinal) && t.Month >= from && t.Month <= to && (pollutant is null || t.Pollutant == pollutant)).ToList();
        return (hits.Count, hits.Sum(t => t.Grams), hits.Sum(t => t.Fen));
    }

    private static decimal? Pct(long delta, long @base) =>
        @base == 0 ? null : Math.Round(delta * 100m / @base, 1, MidpointRounding.AwayFromZero);

    [Fact]
    public void Trades_near_month_ends_fall_in_their_China_month() =>
        Assert.True(api.Trades.Select(t => t.Month).Distinct().Count() > 12);

    [Theory]
    [InlineData("13", "2024-01", "2024-06")]
    [InlineData("1310", "2024-01", "2024-06")]
    [InlineData("1310", "2024-07", "2024-12")]
    [InlineData("131024", "2023-06", "2024-05")]
    [InlineData("1301", "2024-01", "2024-12")]
    [InlineData("130102", "2024-03", "2024-03")]
    public async Task Period_figures_equal_a_brute_force_recomputation(string region, string fromText, string toText)
    {
        var from = ReportingMonth.Parse(fromText);
        var to = ReportingMonth.Parse(toText);
        var body = (await api.Admin.GetJsonAsync($"/api/aggregates/period?region={region}&from={from}&to={to}")).Expect(200).Body;

        var current = Brute(region, from, to);
        var previous = Brute(region, from.AddYears(-1), to.AddYears(-1));
        Assert.Equal(region, body["region"]!.Value<string>());
        Assert.Equal(current.Trades, body["trades"]!.Value<long>());
        Assert.Equal(current.Fen / 100m, body["amount"]!.Value<decimal>());
        Assert.Equal(current.Grams / 1_000_000m, body["quantity"]!.Value<decimal>());
        Assert.Equal(previous.Trades, body["previousYear"]!["trades"]!.Value<long>());
        Assert.Equal(previous.Fen / 100m, body["previousYear"]!["amount"]!.Value<decimal>());
        Assert.Equal(current.Trades - previous.Trades, body["yoy"]!["tradesDelta"]!.Value<long>());
        Assert.Equal(Pct(current.Trades - previous.Trades, previous.Trades), body["yoy"]!["tradesPct"]!.Value<decimal?>());
        Assert.Equal((current.Fen - previous.Fen) / 100m, body["yoy"]!["amountDelta"]!.Value<decimal>());
        Assert.Equal(Pct(current.Fen - previous.Fen, previous.Fen), body["yoy"]!["amountPct"]!.Value<decimal?>());
        Assert.False(body["closed"]!.Value<bool>());
        foreach (var p in (JArray)body["byPollutant"]!)
        {
            var expected = Brute(region, from, to, p["pollutant"]!.Value<string>());
            Assert.Equal(expected.Trades, p["trades"]!.Value<long>());
            Assert.Equal(expected.Fen / 100m, p["amount"]!.Value<decimal>());
            Assert.Equal(expected.Grams / 1_000_000m, p["quantity"]!.Value<decimal>());
        }
        Assert.Equal(current.Trades, ((JArray)body["byPollutant"]!).Sum(p => p["trades"]!.Value<long>()));
        var months = (JArray)body["months"]!;
        Assert.Equal(current.Trades, months.Sum(m => m["trades"]!.Value<long>()));
        foreach (var m in months)
        {
            var month = ReportingMonth.Parse(m["month"]!.Value<string>());
            Assert.Equal(Brute(region, month, month).Trades, m["trades"]!.Value<long>());
            var monthBefore = Brute(region, month.AddYears(-1), month.AddYears(-1));
            Assert.Equal(monthBefore.Fen / 100m, m["previousYear"]!["amount"]!.Value<decimal>());
            Assert.Equal(Pct(Brute(region, month, month).Fen - monthBefore.Fen, monthBefore.Fen), m["yoy"]!["amountPct"]!.Value<decimal?>());
        }
    }

    [Theory]
    [InlineData("13", "2024-01")]
    [InlineData("1310", "2024-06")]
    [InlineData("131000", "2024-07")]
    [InlineData("1301", "2023-12")]
    public async Task Monthly_figures_add_month_over_month(string region, string monthText)
    {
        var month = ReportingMonth.Parse(monthText);
        var body = (await api.Admin.GetJsonAsync($"/api/aggregates/monthly?region={region}&month={month}")).Expect(200).Body;
        var current = Brute(region, month, month);
        var before = Brute(region, month.Previous(), month.Previous());
        var lastYear = Brute(region, month.AddYears(-1), month.AddYears(-1));
        Assert.Equal(month.ToString(), body["month"]!.Value<string>());
        Assert.Equal(current.Trades, body["trades"]!.Value<long>());
        Assert.Equal(current.Fen / 100m, body["amount"]!.Value<decimal>());
        Assert.Equal(before.Trades, body["previousMonth"]!["trades"]!.Value<long>());
        Assert.Equal(current.Trades - before.Trades, body["mom"]!["tradesDelta"]!.Value<long>());
        Assert.Equal(Pct(current.Fen - before.Fen, before.Fen), body["mom"]!["amountPct"]!.Value<decimal?>());
        Assert.Equal(current.Trades - lastYear.Trades, body["yoy"]!["tradesDelta"]!.Value<long>());
    }

    [Fact]
    public async Task Officials_read_figures_of_their_prefix_only_and_bad_queries_are_400()
    {
        using var langfang = api.Server.Client(await api.IssueKeyAsync("official", "1310"));
        (await langfang.GetJsonAsync("/api/aggregates/period?from=2024-01&to=2024-06")).Expect(200);
        Assert.Equal("1310", (await langfang.GetJsonAsync("/api/aggregates/period?from=2024-01&to=2024-06")).Body["region"]!.Value<string>());
        (await langfang.GetJsonAsync("/api/aggregates/period?region=13&from=2024-01&to=2024-06")).Expect(403);
        (await langfang.GetJsonAsync("/api/aggregates/monthly?region=1301&month=2024-01")).Expect(403);
        using var enterprise = api.Server.Client(await api.IssueKeyAsync("enterprise", ApiFixture.NewCreditCode().Value));
        (await enterprise.GetJsonAsync("/api/aggregates/period?from=2024-01&to=2024-06")).Expect(403);
        var bad = (await api.Admin.GetJsonAsync("/api/aggregates/period?region=1310&from=2024-07&to=2024-06")).Expect(400);
        Assert.True(((JObject)bad.Body["errors"]!).ContainsKey("from"));
        (await api.Admin.GetJsonAsync("/api/aggregates/monthly?region=1310")).Expect(400);
        (await api.Admin.GetJsonAsync("/api/aggregates/period?region=1310&from=2000-01&to=2024-06")).Expect(400);
    }
}

using Trading.Core.Primitives;
using Trading.Functions.Hosting;
using Trading.Infra;
using Trading.Tests.Support;

namespace Trading.Tests;

/// <summary>
/// The issue's repro on the demo data, against Azurite and the real server: an absurd agreement price is refused, a price
/// outside the band is refused with the reference price and the band, and the same price recorded by an official is
/// <c>outsideBand</c> and moves no price: not the reference price, not the month's vwap / low / high, not a pledge limit.
/// </summary>
public sealed class HonestPricesApiTests(DemoFixture api) : IClassFixture<DemoFixture>
{
    private static readonly DemoData.Plan Plan = DemoData.Build();

    [Fact]
    public async Task An_absurd_or_out_of_band_price_is_refused_and_an_officials_trade_at_it_moves_no_price()
    {
        var demo = Plan.Firms[0].Code.Value;
        var other = Plan.Firms[2].Code.Value;
        using var firm = api.Server.Client("demo-enterprise");
        using var official = api.Server.Client("demo-official-1310");
        using var bank = api.Server.Client("demo-bank");

        // The repro: 1 t of NOx at 1,000,000,000.00 CNY per t·a is above the ceiling of 10,000,000.00.
        var absurd = (await firm.PostJsonAsync("/api/trade-proposals", ApiFixture.Proposal(demo, other, 1m, 1_000_000_000m, 1, "131000", "NOx"),
            ApiFixture.Key("absurd"))).Expect(422).Body;
        Assert.Contains("10,000,000.00", absurd["detail"]!.Value<string>());

        var reference = await ReferencePriceAsync(firm);
        Assert.NotNull(reference);
        var twice = reference!.Value * 2;
        var outside = (await firm.PostJsonAsync("/api/trade-proposals", ApiFixture.Proposal(demo, other, 1m, twice, 1, "131000", "NOx"),
            ApiFixture.Key("twice"))).Expect(422).Body;
        Assert.Equal(reference.Value, outside["referencePrice"]!.Value<decimal>());
        Assert.Equal(Math.Ceiling(reference.Value * 70m) / 100m, outside["band"]!["low"]!.Value<decimal>());
        Assert.Equal(Math.Floor(reference.Value * 130m) / 100m, outside["band"]!["high"]!.Value<decimal>());

        // A firm the pledge product values by its NOx rights (not a party to the trade below).
        var holder = (await api.RegisterEnterpriseAsync("131000")).Value;
        await api.AllocateAsync(holder, 10m, "131000", "NOx");
        var eligibility = $"/api/banks/ICBC-LF/products/pledge-so2-nox/eligibility/{holder}";
        var limitBefore = (await bank.GetJsonAsync(eligibility)).Expect(200).Body;
        Assert.NotEqual(JTokenType.Null, limitBefore["limit"]!.Type);
        var nox = MarketId.TryParse("131000-NOx", out var m) ? m!.Value : throw new InvalidOperationException();
        var today = DateOnly.FromDateTime(DateTimeOffset.UtcNow.ToOffset(ReportingMonth.ChinaOffset).DateTime);
        var ledger = api.Server.Services.GetRequiredService<TableLedger>();
        var pledgePriceBefore = (await ledger.PricesAsync([nox], today, CancellationToken.None))[nox];

        // Recorded by an official (dated yesterday, so that it would fall in the pledge price's window) it is outside the band.
        await api.AllocateAsync(demo, 1m, "131000", "NOx");
        var tradedAt = DateTimeOffset.UtcNow.AddDays(-1);
        var month = ReportingMonth.Of(tradedAt).ToString();
        var monthBefore = await MonthAsync(firm, month);
        var recorded = (await official.PostJsonAsync("/api/trades",
            ApiFixture.Trade(demo, other, 1m, twice, 1, "131000", "NOx", tradedAt.ToString("yyyy-MM-dd'T'HH:mm:ssK")), ApiFixture.Key("recorded"))).Expect(201).Body;
        Assert.True(recorded["outsideBand"]!.Value<bool>());
        var read = (await official.GetJsonAsync($"/api/trades/{recorded["id"]}")).Expect(200).Body;
        Assert.True(read["outsideBand"]!.Value<bool>());
        // Disclosed as such (成交公示), with no key.
        using var anonymous = api.Server.Client();
        var disclosed = (await anonymous.GetJsonAsync($"/api/public/trades?region=131000&pollutant=NOx&from={month}&to={month}&pageSize=100")).Expect(200).Body;
        Assert.True(((JArray)disclosed["items"]!).Single(t => t["id"]!.Value<string>() == recorded["id"]!.Value<string>())["outsideBand"]!.Value<bool>());

        // No price moved; the volumes and amounts count it.
        Assert.Equal(reference, await ReferencePriceAsync(firm));
        var monthAfter = await MonthAsync(firm, month);
        Assert.Equal(monthBefore?["trades"]?.Value<long>() + 1 ?? 1, monthAfter!["trades"]!.Value<long>());
        Assert.Equal((monthBefore?["amount"]?.Value<decimal>() ?? 0m) + recorded["amount"]!.Value<decimal>(), monthAfter["amount"]!.Value<decimal>());
        foreach (var figure in new[] { "vwap", "low", "high" })
            Assert.Equal(monthBefore?[figure]?.ToString(), monthAfter[figure]!.ToString());
        var limitAfter = (await bank.GetJsonAsync(eligibility)).Expect(200).Body;
        Assert.Equal(limitBefore["limit"]!.Value<decimal>(), limitAfter["limit"]!.Value<decimal>());
        Assert.Equal(limitBefore["reasons"]!.ToString(), limitAfter["reasons"]!.ToString());
        Assert.Equal(pledgePriceBefore, (await ledger.PricesAsync([nox], today, CancellationToken.None))[nox]);
        var verify = (await official.GetJsonAsync("/api/markets/131000-NOx/verify")).Expect(200).Body;
        Assert.True(verify["valid"]!.Value<bool>());
    }

    private static async Task<decimal?> ReferencePriceAsync(HttpClient client)
    {
        var market = ((JArray)(await client.GetJsonAsync("/api/markets?region=131000&pollutant=NOx")).Expect(200).Array).Single();
        return market["referencePrice"]!.Type == JTokenType.Null ? null : market["referencePrice"]!.Value<decimal>();
    }

    private static async Task<JObject?> MonthAsync(HttpClient client, string month) =>
        (JObject?)((JArray)(await client.GetJsonAsync($"/api/markets/131000-NOx/prices?from={month}&to={month}")).Expect(200).Array).SingleOrDefault();
}

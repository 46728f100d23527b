using Microsoft.Playwright;
using Trading.Functions.Hosting;
using Trading.Tests.Support;

namespace Trading.Tests;

public sealed partial class DemoFiguresTests(DemoFixture api) : IClassFixture<DemoFixture>
{
    private const string Sentence = "完成排污权交易118笔，同比增加75笔；交易金额360.82万元，同比增长81.7%";

    [Fact]
    public async Task Langfang_first_half_of_2024_comes_out_exactly()
    {
        using var langfang = api.Server.Client("demo-official-1310");
        var body = (await langfang.GetJsonAsync("/api/aggregates/period?from=2024-01&to=2024-06&region=1310")).Expect(200).Body;
        Assert.Equal(118, body["trades"]!.Value<long>());
        Assert.Equal("3608200.00", body["amount"]!.ToString(Newtonsoft.Json.Formatting.None));
        Assert.Equal(43, body["previousYear"]!["trades"]!.Value<long>());
        Assert.Equal(1985800.00m, body["previousYear"]!["amount"]!.Value<decimal>());
        Assert.Equal(75, body["yoy"]!["tradesDelta"]!.Value<long>());
        Assert.Equal(174.4m, body["yoy"]!["tradesPct"]!.Value<decimal>());
        Assert.Equal(1622400.00m, body["yoy"]!["amountDelta"]!.Value<decimal>());
        Assert.Equal(81.7m, body["yoy"]!["amountPct"]!.Value<decimal>());
        Assert.Equal(Sentence + "；帮助21家企业成功获得绿色金融贷款3.35亿元", body["summary"]!.Value<string>());
        Assert.Equal(118, ((JArray)body["byPollutant"]!).Sum(p => p["trades"]!.Value<long>()));
        // Re-loading is refused: the demo goes only into empty storage.
        Assert.False(await DemoData.SeedIfEmptyAsync(api.Server.Services, NullLogger(), CancellationToken.None));
    }

    [Fact]
    public async Task Langfang_first_half_of_2024_shows_21_firms_and_335_million_of_green_loans()
    {
        using var langfang = api.Server.Client("demo-official-1310");
        var body = (await langfang.GetJsonAsync("/api/aggregates/loans?from=2024-01&to=2024-06&region=1310")).Expect(200).Body;
        Assert.Equal(21, body["firms"]!.Value<long>());
        Assert.Equal(24, body["loans"]!.Value<long>());
        Assert.Equal("335000000.00", body["amount"]!.ToString(Newtonsoft.Json.Formatting.None));
        Assert.Equal("帮助21家企业成功获得绿色金融贷款3.35亿元", body["summary"]!.Value<string>());
        Assert.Equal((12, 180_000_000.00m), (body["previousYear"]!["firms"]!.Value<long>(), body["previousYear"]!["amount"]!.Value<decimal>()));
        Assert.Equal(335_000_000.00m, ((JArray)body["byBank"]!).Sum(b => b["amount"]!.Value<decimal>()));
        // A submitted application waits for the demo bank.
        using var bank = api.Server.Client("demo-bank");
        Assert.Contains((JArray)(await bank.GetJsonAsync("/api/banks/ICBC-LF/loan-applications?status=submitted")).Expect(200).Body["items"]!, a => a["status"]!.Value<string>() == "submitted");
    }

    [Fact]
    public async Task The_demo_market_is_alive_with_listings_an_open_auction_and_a_settled_one()
    {
        using var firm = api.Server.Client("demo-enterprise");
        var book = (JArray)(await firm.GetJsonAsync("/api/listings?region=1310")).Expect(200).Body["items"]!;
        Assert.True(book.Count >= 3, book.ToString());
        Assert.True(book.Select(l => l["unitPrice"]!.Value<decimal>()).SequenceEqual(book.Select(l => l["unitPrice"]!.Value<decimal>()).Order()), "cheapest first");
        var open = Assert.Single((JArray)(await firm.GetJsonAsync("/api/auctions?region=1310&status=open")).Expect(200).Body["items"]!);
        Assert.Equal(2, open["bids"]!.Value<long>());
        var closedId = Assert.Single((JArray)(await firm.GetJsonAsync("/api/auctions?region=1310&status=closed")).Expect(200).Body["items"]!)["id"]!.Value<string>();
        var closed = (await firm.GetJsonAsync($"/api/auctions/{closedId}")).Expect(200).Body;
        Assert.Equal(3, closed["results"]!.Count());
        Assert.Contains((JArray)(await firm.GetJsonAsync("/api/markets?region=131000")).Expect(200).Array, m => m["referencePrice"]!.Type != JTokenType.Null);
        Assert.Single((JArray)(await firm.GetJsonAsync("/api/trade-proposals?status=proposed")).Expect(200).Body["items"]!);
        // Every record the demo wrote copies to the audit trail (timers' answers included).
        await api.Server.Services.GetRequiredService<Trading.Infra.AuditTrail>().CopyAsync(CancellationToken.None);
    }

    private static ILogger NullLogger() => Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

    [Fact]
    public async Task The_dashboard_shows_the_charts_and_the_sentence_of_the_data()
    {
        using var langfang = api.Server.Client("demo-official-1310");
        var year = (await langfang.GetJsonAsync("/api/aggregates/period?from=2024-01&to=2024-12&region=1310")).Expect(200).Body;

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
        var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1280, Height = 1100 } });
        var external = new List<string>();
        page.Request += (_, r) => { if (!r.Url.StartsWith(api.Server.BaseAddress.ToString(), StringComparison.Ordinal)) external.Add(r.Url); };

        await page.GotoAsync(new Uri(api.Server.BaseAddress, "/api/dashboard?year=2024&region=1310").ToString());
        await page.FillAsync("#key", "demo-official-1310");
        await page.ClickAsync("#show");
        await page.WaitForFunctionAsync("() => document.getElementById('summary-h1').textContent.startsWith('完成')");

        Assert.Equal(Sentence + "；帮助21家企业成功获得绿色金融贷款3.35亿元", await page.InnerTextAsync("#summary-h1"));
        var h2 = (await langfang.GetJsonAsync("/api/aggregates/period?from=2024-07&to=2024-12&region=1310")).Body["summary"]!.Value<string>();
        Assert.Equal(h2, await page.InnerTextAsync("#summary-h2"));
        foreach (var month in (JArray)year["months"]!)
        {
            var m = month["month"]!.Value<string>();
            var trades = await page.GetAttributeAsync($"#chart-trades rect[data-month='{m}'][data-series='current']", "data-value");
            var lastYear = await page.GetAttributeAsync($"#chart-trades rect[data-month='{m}'][data-series='previous']", "data-value");
            Assert.Equal(month["trades"]!.Value<long>().ToString(), trades);
            Assert.Equal(month["previousYear"]!["trades"]!.Value<long>().ToString(), lastYear);
            var amount = await page.GetAttributeAsync($"#chart-amount rect[data-month='{m}'][data-series='current']", "data-value");
            Assert.Equal(Math.Round(month["amount"]!.Value<decimal>() / 10000m, 2, MidpointRounding.AwayFromZero), decimal.Parse(amount!, System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(month["trades"]!.Value<long>().ToString(), await page.InnerTextAsync($"#yoy tr[data-month='{m}'] td:nth-child(2)"));
        }
        Assert.Contains(year["trades"]!.Value<long>().ToString(), await page.InnerTextAsync("#year-trades"));
        Assert.Empty(external);

        var shots = Path.Combine(Azurite.RepositoryRoot(), "tests", "TestResults");
        Directory.CreateDirectory(shots);
        await page.ScreenshotAsync(new() { Path = Path.Combine(shots, "dashboard.png"), FullPage = true });
    }
}

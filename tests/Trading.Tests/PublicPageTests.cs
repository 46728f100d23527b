using Microsoft.Playwright;
using Trading.Tests.Support;

namespace Trading.Tests;

/// <summary>The disclosure page (成交公示) in real Chromium, without a key, on generated trades.</summary>
public sealed class PublicPageTests(GeneratedTradesFixture api) : IClassFixture<GeneratedTradesFixture>
{
    private static readonly string s_shots = Path.Combine(Azurite.RepositoryRoot(), "tests", "TestResults");

    [Fact]
    public async Task The_page_with_a_filter_applied_shows_exactly_the_matching_trades_by_name_and_loads_nothing_from_elsewhere()
    {
        await using var server = await api.StartServerAsync(null, "--Trading:PublicRateLimit=100000");
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
        var context = await browser.NewContextAsync(new() { ViewportSize = new() { Width = 1366, Height = 900 } });
        var page = await context.NewPageAsync();
        var external = new List<string>();
        page.Request += (_, r) => { if (!r.Url.StartsWith(server.BaseAddress.ToString(), StringComparison.Ordinal)) external.Add(r.Url); };
        var errors = new List<string>();
        page.PageError += (_, e) => errors.Add(e);

        await page.GotoAsync(new Uri(server.BaseAddress, "/api/public").ToString());
        await page.WaitForFunctionAsync("() => document.getElementById('status').textContent.includes('trades shown')");
        Assert.Contains("成交公示", await page.InnerTextAsync("h1"));

        await page.FillAsync("#region", "131000");
        await page.SelectOptionAsync("#pollutant", "NOx");
        await page.SelectOptionAsync("#method", "Agreement");
        await page.FillAsync("#from", "2023-07");
        await page.FillAsync("#to", "2024-06");
        var answered = page.WaitForResponseAsync(r => r.Url.Contains("/api/public/trades?", StringComparison.Ordinal) && r.Url.Contains("pollutant=NOx", StringComparison.Ordinal));
        await page.ClickAsync("#apply");
        await answered;
        await page.WaitForFunctionAsync("() => document.getElementById('status').textContent.includes('trades shown')");

        var expected = ((JArray)(await api.Admin.GetJsonAsync("/api/trades?region=131000&pollutant=NOx&method=Agreement&from=2023-07&to=2024-06&pageSize=1000"))
            .Expect(200).Body["items"]!).ToList();
        Assert.InRange(expected.Count, 1, 50); // one page of the page's 50
        var ids = await page.EvalOnSelectorAllAsync<string[]>("#trades tbody tr", "rows => rows.map(r => r.dataset.id)");
        Assert.Equal(expected.Select(t => t["id"]!.Value<string>()), ids);
        var pollutants = await page.EvalOnSelectorAllAsync<string[]>("#trades tbody tr td:nth-child(3)", "cells => cells.map(c => c.textContent)");
        Assert.All(pollutants, p => Assert.Equal("NOx", p));
        var text = await page.InnerTextAsync("#trades");
        var seller = expected[0]["seller"]!.Value<string>()!;
        var name = (await api.Admin.GetJsonAsync($"/api/enterprises/{seller}")).Expect(200).Body["name"]!.Value<string>()!;
        Assert.Contains(name, text);
        foreach (var t in expected) Assert.DoesNotContain(t["seller"]!.Value<string>()!, text);
        Assert.Empty(errors);
        Assert.Empty(external);

        Directory.CreateDirectory(s_shots);
        await page.ScreenshotAsync(new() { Path = Path.Combine(s_shots, "public-filtered.png"), FullPage = true });
    }
}

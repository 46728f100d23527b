using System.Globalization;
using Microsoft.Playwright;
using Trading.Core.Primitives;
using Trading.Functions.Hosting;
using Trading.Infra;
using Trading.Tests.Support;

namespace Trading.Tests;

/// <summary>
/// Heavy-pollution alerts on the portal in real Chromium, on the demo data: an official declares an orange alert from
/// the page and sees its counts by measure (the server's own summary), filters the firms' measures and downloads them
/// as CSV; the seed-000 firm (B, industrial coating, Xianghe) sees "orange: 9,200 parts a day" and the event in its
/// inbox; the official lifts the alert from the page.
/// </summary>
public sealed class AlertsPortalTests(DemoFixture api) : IClassFixture<DemoFixture>
{
    private sealed record Session(IBrowserContext Context, IPage Page, List<string> External, List<string> Errors);

    private async Task<Session> OpenAsync(IBrowser browser, string key, string query = "")
    {
        var context = await browser.NewContextAsync(new() { ViewportSize = new() { Width = 1366, Height = 900 }, AcceptDownloads = true });
        var page = await context.NewPageAsync();
        var external = new List<string>();
        var errors = new List<string>();
        page.Request += (_, r) => { if (!r.Url.StartsWith(api.Server.BaseAddress.ToString(), StringComparison.Ordinal) && !r.Url.StartsWith("blob:", StringComparison.Ordinal)) external.Add(r.Url); };
        page.PageError += (_, e) => errors.Add(e);
        await page.GotoAsync(new Uri(api.Server.BaseAddress, "/api/dashboard" + query).ToString());
        await page.FillAsync("#key", key);
        await page.ClickAsync("#show");
        return new Session(context, page, external, errors);
    }

    [Fact]
    public async Task An_official_declares_an_orange_alert_and_sees_its_counts_and_the_seed_000_firm_sees_orange_9200_parts_a_day()
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
        using var official = api.Server.Client("demo-official-1310");

        // 1. The official declares an orange alert over Langfang from the page.
        var o = await OpenAsync(browser, "demo-official-1310", "?region=1310");
        var page = o.Page;
        await page.WaitForSelectorAsync("#off-alerts tbody tr"); // the alerts of the scope, or "none"
        await PortalTests.AssertLabelledAsync(page);
        await page.FillAsync("#al-region", "1310");
        await page.SelectOptionAsync("#al-level", "orange");
        await page.FillAsync("#al-reason", "PM2.5 预计连续3天重度污染 (browser test)");
        var posted = page.WaitForResponseAsync(r => r.Request.Method == "POST" && r.Url.EndsWith("/api/alerts", StringComparison.Ordinal));
        await page.ClickAsync("#off-declare button[type=submit]");
        var response = await posted;
        Assert.Equal(201, response.Status);
        Assert.False(string.IsNullOrEmpty(await response.Request.HeaderValueAsync("idempotency-key")));
        var declared = JObject.Parse(await response.TextAsync());
        var id = declared["id"]!.Value<string>()!;
        Assert.Equal("orange", declared["level"]!.Value<string>());

        // It shows the alert's summary: the counts by measure and the sentence are the server's own.
        await page.WaitForFunctionAsync("id => document.getElementById('off-alert').dataset.id === id && document.querySelector('#off-alert-counts tr[data-measure=\"all\"]') !== null", id);
        await page.WaitForFunctionAsync("() => document.getElementById('off-alerts-msg').textContent.includes('Declared')");
        var alert = (await official.GetJsonAsync($"/api/alerts/{id}")).Expect(200).Body;
        Assert.Equal("active", alert["status"]!.Value<string>());
        var summary = (await official.GetJsonAsync($"/api/alerts/{id}/summary")).Expect(200).Body;
        Assert.True(summary["firms"]!.Value<int>() >= 30, "the Langfang demo firms are all under the alert");
        Assert.True(summary["byMeasure"]!["limit"]!.Value<int>() >= 1, "the seed-000 firm limits its output");
        foreach (var m in new[] { "self", "none", "limit", "stop", "noPlan" })
            Assert.Equal(summary["byMeasure"]![m]!.Value<int>().ToString(CultureInfo.InvariantCulture),
                (await page.InnerTextAsync($"#off-alert-counts tr[data-measure='{m}'] td.count")).Trim());
        Assert.Equal(summary["firms"]!.Value<int>().ToString(CultureInfo.InvariantCulture), (await page.InnerTextAsync("#off-alert-counts tr[data-measure='all'] td.count")).Trim());
        var sentence = summary["summary"]!.Value<string>()!;
        Assert.StartsWith("橙色预警", sentence);
        Assert.Equal(sentence, (await page.InnerTextAsync("#off-alert-summary")).Trim());
        Assert.Contains(id, await page.InnerTextAsync("#off-alerts"));
        await PortalTests.ShotAsync(page, "portal-alert-official.png");
        await page.Locator("#off-alert").ScreenshotAsync(new() { Path = Path.Combine(PortalTests.s_shots, "portal-alert-official-summary.png") });

        // The list filtered to the firms that limit: exactly the server's, and the CSV download is the server's CSV.
        await page.SelectOptionAsync("#mf-measure", "limit");
        var listed = page.WaitForResponseAsync(r => r.Url.Contains($"/api/alerts/{id}/measures?measure=limit", StringComparison.Ordinal));
        await page.ClickAsync("#off-measures-filter button[type=submit]");
        await listed;
        await page.WaitForFunctionAsync("() => [...document.querySelectorAll('#off-measures tbody tr')].every(r => r.dataset.measure === 'limit')");
        var expected = ((JArray)(await official.GetJsonAsync($"/api/alerts/{id}/measures?measure=limit&pageSize=50")).Expect(200).Body["items"]!)
            .Select(f => f["creditCode"]!.Value<string>()!).ToList();
        Assert.NotEmpty(expected);
        var shown = await page.EvalOnSelectorAllAsync<string[]>("#off-measures tbody tr", "rows => rows.map(r => r.dataset.code)");
        Assert.Equal(expected, shown);
        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#mf-csv"), new() { Timeout = 15_000 });
        Assert.Equal($"measures-{id}.csv", download.SuggestedFilename);
        var csv = await File.ReadAllTextAsync((await download.PathAsync())!);
        var serverCsv = (await official.SendAsync(HttpMethod.Get, $"/api/alerts/{id}/measures?measure=limit&format=csv")).Expect(200).Text;
        Assert.Equal(serverCsv.TrimStart('\uFEFF'), csv.TrimStart('\uFEFF'));
        foreach (var code in expected) Assert.Contains(code, csv);
        await PortalTests.ShotAsync(page, "portal-alert-official-limit.png");

        // Paging: every firm, 20 a page; the second page is the server's second page.
        await page.SelectOptionAsync("#mf-measure", "");
        await page.SelectOptionAsync("#mf-size", "20");
        var first = page.WaitForResponseAsync(r => r.Url.Contains($"/api/alerts/{id}/measures?pageSize=20", StringComparison.Ordinal));
        await page.ClickAsync("#off-measures-filter button[type=submit]");
        await first;
        await page.WaitForFunctionAsync("() => document.querySelectorAll('#off-measures tbody tr').length === 20 && !document.getElementById('mf-next').disabled");
        var page1 = (await official.GetJsonAsync($"/api/alerts/{id}/measures?pageSize=20")).Expect(200).Body;
        var page2 = (await official.GetJsonAsync($"/api/alerts/{id}/measures?pageSize=20&continuationToken={Uri.EscapeDataString(page1["continuationToken"]!.Value<string>()!)}")).Expect(200).Body;
        Assert.Equal(page1["items"]!.Select(f => f["creditCode"]!.Value<string>()), await page.EvalOnSelectorAllAsync<string[]>("#off-measures tbody tr", "rows => rows.map(r => r.dataset.code)"));
        var second = page.WaitForResponseAsync(r => r.Url.Contains("continuationToken=", StringComparison.Ordinal));
        await page.ClickAsync("#mf-next");
        await second;
        await page.WaitForFunctionAsync("() => document.getElementById('mf-page').textContent.includes('Page 2')");
        Assert.Equal(page2["items"]!.Select(f => f["creditCode"]!.Value<string>()), await page.EvalOnSelectorAllAsync<string[]>("#off-measures tbody tr", "rows => rows.map(r => r.dataset.code)"));

        // 2. The seed-000 firm: B, industrial coating, in Xianghe (131024), 9,200 parts a day at orange.
        var seed = ((JArray)(await official.GetJsonAsync($"/api/alerts/{id}/measures?measure=limit&industry=IndustrialCoating&grade=B&pageSize=1000")).Expect(200).Body["items"]!)
            .Single(f => f["region"]!.Value<string>() == "131024" && f["dailyOutputCap"]?.Value<decimal?>() == 9200m);
        Assert.Equal(6400m, seed["dailyOutputCut"]!.Value<decimal>());
        var code000 = CreditCode.Parse(seed["creditCode"]!.Value<string>()!);
        // Its published demo key is the firm's own.
        const string key000 = DemoAlerts.Seed000Key;
        using (var own = api.Server.Client(key000))
            Assert.Equal(code000.Value, (await own.GetJsonAsync("/api/whoami")).Expect(200).Body["subject"]!.Value<string>());
        // The firms are told by the NotifyAlerts timer, the events reach inboxes by CopyEvents (both run here as their timers would).
        using (var host = api.Server.Client())
            (await host.PostJsonAsync("/admin/functions/NotifyAlerts", """{"input":""}""")).Expect(202);
        await api.Server.Services.GetRequiredService<EventOutbox>().CopyAsync(CancellationToken.None);

        var f = await OpenAsync(browser, key000);
        var firm = f.Page;
        await firm.WaitForSelectorAsync($"#ent-measures li[data-alert='{id}']");
        Assert.Contains("orange: 9,200 parts a day", await firm.InnerTextAsync("#ent-measure-now"));
        Assert.Contains("orange: 9,200 parts a day", await firm.InnerTextAsync($"#ent-measures li[data-alert='{id}']"));
        Assert.Equal("limit", await firm.GetAttributeAsync($"#ent-measures li[data-alert='{id}']", "data-measure"));
        // What the page shows is the firm's own answer: the alert it follows now (the demo's, declared first at the same level), limited at 9,200 parts a day.
        using (var own = api.Server.Client(key000))
        {
            var measures = (await own.GetJsonAsync($"/api/enterprises/{code000}/measures")).Expect(200).Body["items"]!.Value<JArray>()!;
            var mine = measures.Single(m => m["alert"]!["id"]!.Value<string>() == id);
            Assert.Equal("limit", mine["measure"]!.Value<string>());
            Assert.Equal(9200m, mine["dailyOutputCap"]!.Value<decimal>());
            Assert.Equal("件", mine["unit"]!.Value<string>());
            var follows = measures.Single(m => m["follows"]!.Value<bool>());
            Assert.Equal(follows["alert"]!["id"]!.Value<string>(), await firm.GetAttributeAsync("#ent-measures li:first-child", "data-alert"));
            Assert.Equal(measures.Count, await firm.Locator("#ent-measures li").CountAsync());
        }
        await firm.WaitForSelectorAsync($"#inbox-events tr[data-type='alert.declared'][data-id='{id}']");
        Assert.Contains("orange: 9,200 parts a day", await firm.InnerTextAsync($"#inbox-events tr[data-type='alert.declared'][data-id='{id}']"));
        await PortalTests.AssertLabelledAsync(firm);
        await PortalTests.ShotAsync(firm, "portal-alert-firm.png");

        // 3. The official lifts it from the page.
        await page.ClickAsync($"#off-alerts tr[data-id='{id}'] button.alert-lift");
        await page.WaitForFunctionAsync("() => document.getElementById('off-alerts-msg').textContent.includes('Lifted')");
        await page.WaitForSelectorAsync($"#off-alerts tr[data-id='{id}'][data-status='ended']");
        Assert.Equal("ended", (await official.GetJsonAsync($"/api/alerts/{id}")).Expect(200).Body["status"]!.Value<string>());

        Assert.Empty(o.External.Concat(f.External));
        Assert.Empty(o.Errors.Concat(f.Errors));
    }
}

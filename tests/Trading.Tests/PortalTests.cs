using Microsoft.Playwright;
using Trading.Tests.Support;

namespace Trading.Tests;

/// <summary>The portal in real Chromium, one role at a time, on the demo data: enter a key, do one real thing, see its result.</summary>
public sealed class PortalTests(DemoFixture api) : IClassFixture<DemoFixture>
{
    internal static readonly string s_shots = Path.Combine(Azurite.RepositoryRoot(), "tests", "TestResults");

    private async Task<(IPlaywright, IBrowser, IPage, List<string> External)> OpenAsync(string key, string query = "")
    {
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
        var context = await browser.NewContextAsync(new() { ViewportSize = new() { Width = 1366, Height = 900 }, AcceptDownloads = true });
        var page = await context.NewPageAsync();
        var external = new List<string>();
        page.Request += (_, r) => { if (!r.Url.StartsWith(api.Server.BaseAddress.ToString(), StringComparison.Ordinal) && !r.Url.StartsWith("blob:", StringComparison.Ordinal)) external.Add(r.Url); };
        await page.GotoAsync(new Uri(api.Server.BaseAddress, "/api/dashboard" + query).ToString());
        await page.FillAsync("#key", key);
        await page.ClickAsync("#show");
        return (playwright, browser, page, external);
    }

    /// <summary>A full-page screenshot into tests/TestResults (the portal tests share it).</summary>
    internal static async Task ShotAsync(IPage page, string name)
    {
        Directory.CreateDirectory(s_shots);
        await page.ScreenshotAsync(new() { Path = Path.Combine(s_shots, name), FullPage = true });
    }

    /// <summary>Every input and select on the page has a label (its own element or an aria-label).</summary>
    internal static async Task AssertLabelledAsync(IPage page)
    {
        var unlabelled = await page.EvaluateAsync<string[]>("""
            () => [...document.querySelectorAll('input, select')]
              .filter(e => e.offsetParent !== null && !e.closest('label') && !e.getAttribute('aria-label'))
              .map(e => e.id || e.className)
            """);
        Assert.Empty(unlabelled);
    }

    [Fact]
    public async Task An_enterprise_confirms_the_proposal_waiting_for_it()
    {
        var (playwright, browser, page, external) = await OpenAsync("demo-enterprise");
        using var _ = playwright;
        await using var __ = browser;
        await page.WaitForSelectorAsync("#ent-proposals button.confirm");
        Assert.Contains("企业 Enterprise", await page.InnerTextAsync("#who"));
        Assert.NotEqual(0, await page.Locator("#ent-holdings tbody tr").CountAsync());
        Assert.NotEqual(0, await page.Locator("#ent-listings button.take").CountAsync());
        Assert.NotEqual(0, await page.Locator("#ent-auctions button.bid").CountAsync());
        await AssertLabelledAsync(page);
        var id = await page.GetAttributeAsync("#ent-proposals button.confirm", "data-id");

        await page.ClickAsync("#ent-proposals button.confirm");
        await page.WaitForFunctionAsync("() => document.getElementById('ent-proposals-msg').textContent.includes('Confirmed')");
        Assert.Contains(id!, await page.InnerTextAsync("#ent-proposals-msg"));
        // The server agrees: the proposal is settled and its trade recorded.
        using var client = api.Server.Client("demo-enterprise");
        var proposal = (await client.GetJsonAsync($"/api/trade-proposals/{id}")).Expect(200).Body;
        Assert.Equal("settled", proposal["status"]!.Value<string>());
        Assert.Contains(proposal["trade"]!["id"]!.Value<string>()!, await page.InnerTextAsync("#ent-proposals-msg"));
        Assert.Empty(external);
        await ShotAsync(page, "portal-enterprise.png");
    }

    [Fact]
    public async Task An_enterprise_sees_the_proposal_waiting_for_it_in_its_inbox()
    {
        // The demo proposal's event was written with it; CopyEvents (run here as its timer would) puts it into the inbox.
        await api.Server.Services.GetRequiredService<Trading.Infra.EventOutbox>().CopyAsync(CancellationToken.None);
        using var client = api.Server.Client("demo-enterprise");
        var inbox = (await client.GetJsonAsync("/api/inbox?pageSize=1000")).Expect(200).Body["items"]!;
        var waiting = inbox.Where(e => e["type"]!.Value<string>() == "trade.proposal.received").Select(e => e["data"]!["id"]!.Value<string>()!).ToList();
        Assert.NotEmpty(waiting);

        var (playwright, browser, page, external) = await OpenAsync("demo-enterprise");
        using var _ = playwright;
        await using var __ = browser;
        await page.WaitForSelectorAsync("#inbox-events tr[data-type='trade.proposal.received']");
        var shown = await page.GetAttributeAsync("#inbox-events tr[data-type='trade.proposal.received']", "data-id");
        Assert.Contains(shown!, waiting);
        Assert.Contains("Proposal waiting for you", await page.InnerTextAsync("#inbox-events"));
        Assert.Empty(external);
        await ShotAsync(page, "portal-enterprise-inbox.png");
    }

    [Fact]
    public async Task A_bank_approves_the_application_waiting_for_it()
    {
        var (playwright, browser, page, external) = await OpenAsync("demo-bank");
        using var _ = playwright;
        await using var __ = browser;
        await page.WaitForSelectorAsync("#bank-applications button.approve");
        Assert.Contains("银行 Bank", await page.InnerTextAsync("#who"));
        Assert.NotEqual(0, await page.Locator("#bank-products tbody tr").CountAsync());
        Assert.NotEqual(0, await page.Locator("#bank-loans tbody tr").CountAsync());
        await AssertLabelledAsync(page);
        var id = await page.GetAttributeAsync("#bank-applications button.approve", "data-id");

        await page.ClickAsync("#bank-applications button.approve");
        await page.WaitForFunctionAsync("() => document.getElementById('bank-applications-msg').textContent.includes('Approved')");
        await page.WaitForSelectorAsync($"#bank-applications tr[data-id='{id}'] .badge.granted");
        using var client = api.Server.Client("demo-bank");
        var applications = (await client.GetJsonAsync("/api/banks/ICBC-LF/loan-applications")).Expect(200).Body["items"]!;
        var granted = applications.Single(a => a["id"]!.Value<string>() == id);
        Assert.Equal("granted", granted["status"]!.Value<string>());
        // The demo application is a pledge application: the bank took what the firm offered (the form's default), no more.
        Assert.Equal(granted["pledge"]!["id"]!.Value<string>(), granted["loan"]!["pledge"]!.Value<string>());
        Assert.True(granted["loan"]!["amount"]!.Value<decimal>() <= granted["amount"]!.Value<decimal>());

        // Why a firm does not qualify, in words.
        var stranger = ((JArray)(await client.GetJsonAsync("/api/loans?pageSize=1")).Body["items"]!).Single()["borrower"]!.Value<string>()!;
        await page.FillAsync("#bank-why-code", stranger);
        await page.ClickAsync("#bank-why button[type=submit]");
        await page.WaitForFunctionAsync("() => document.getElementById('bank-why-result').textContent.length > 0");
        Assert.Empty(external);
        await ShotAsync(page, "portal-bank.png");
    }

    [Fact]
    public async Task An_official_downloads_a_closed_months_report()
    {
        // The months are closed as ./run.sh closes them at start (a past-due CloseMonth).
        using (var host = api.Server.Client())
            (await host.PostJsonAsync("/admin/functions/CloseMonth", """{"input":""}""")).Expect(202);
        var (playwright, browser, page, external) = await OpenAsync("demo-official-1310", "?year=2024&region=1310");
        using var _ = playwright;
        await using var __ = browser;
        await page.WaitForSelectorAsync("#off-reports button.download[data-month='2024-06']");
        await page.WaitForFunctionAsync("() => document.getElementById('off-loans-h1').textContent.includes('21')");
        Assert.Contains("帮助21家企业成功获得绿色金融贷款3.35亿元", await page.InnerTextAsync("#off-loans-h1"));
        Assert.NotEqual(0, await page.Locator("#off-markets tbody tr").CountAsync());
        Assert.NotEqual(0, await page.Locator("#off-pollutants tbody tr").CountAsync());
        await AssertLabelledAsync(page);

        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#off-reports button.download[data-month='2024-06']"),
            new() { Timeout = 15_000 });
        Assert.Equal("report-1310-2024-06.csv", download.SuggestedFilename);
        var path = await download.PathAsync();
        var csv = await File.ReadAllTextAsync(path!);
        using var client = api.Server.Client("demo-official-1310");
        var expected = (await client.SendAsync(HttpMethod.Get, "/api/reports/2024-06?region=1310&format=csv")).Text;
        Assert.Equal(expected.TrimStart('\uFEFF'), csv.TrimStart('\uFEFF'));
        await page.WaitForFunctionAsync("() => document.getElementById('off-report-msg').textContent.includes('Downloaded')");
        Assert.Empty(external);
        await ShotAsync(page, "portal-official.png");
    }
}

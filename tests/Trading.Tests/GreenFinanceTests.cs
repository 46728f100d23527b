using System.Globalization;
using System.Numerics;
using Microsoft.Extensions.Time.Testing;
using Trading.Infra;
using Trading.Tests.Support;

namespace Trading.Tests;

public sealed partial class GreenFinanceTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private static readonly string RecentDay = DateTimeOffset.UtcNow.AddDays(-10).ToString("yyyy-MM-dd'T'10:00:00+08:00", CultureInfo.InvariantCulture);

    private static object Product(string minGrade = "B", string[]? regions = null, object? pledge = null, decimal minAmount = 100_000m) => new
    {
        name = "绿色技改贷", minGrade, allowUngraded = false, minCreditRating = "Blue", requirePositiveList = false,
        industries = Array.Empty<string>(), regions = regions ?? ["1310"], minAmount, maxAmount = 20_000_000m, annualRatePct = 3.45m, termMonths = 36, pledge,
    };

    private async Task<string> FirmAsync(string grade, string region = "131024", string rating = "Blue")
    {
        var code = ApiFixture.NewCreditCode(region);
        (await api.Admin.PutJsonAsync($"/api/enterprises/{code}", new
        {
            name = "企业" + code.Value[^4..], region, industry = "IndustrialCoating", grade, gradeValidUntil = "2099-12-31", positiveList = true, creditRating = rating,
        })).Expect(201);
        return code.Value;
    }

    [Fact]
    public async Task Eligible_lists_and_reasons_through_http_and_another_bank_sees_nothing()
    {
        var bankKey = await api.IssueKeyAsync("bank", "BOC-LF");
        using var bank = api.Server.Client(bankKey);
        var a = await FirmAsync("A");
        var b = await FirmAsync("B");
        var c = await FirmAsync("C");
        var outside = await FirmAsync("A", "130100");
        var red = await FirmAsync("A", rating: "Red");

        var put = (await bank.PutJsonAsync("/api/banks/BOC-LF/products/green-1", Product())).Expect(201).Body;
        Assert.Equal("B", put["minGrade"]!.Value<string>());
        (await bank.PutJsonAsync("/api/banks/BOC-LF/products/green-1", Product())).Expect(200);

        var eligible = (await bank.GetJsonAsync("/api/banks/BOC-LF/products/green-1/eligible")).Expect(200).Body;
        var codes = eligible["items"]!.Select(i => i["creditCode"]!.Value<string>()).ToList();
        Assert.Equal([a, b], codes.Where(x => x == a || x == b).ToList());
        Assert.DoesNotContain(c, codes);
        Assert.DoesNotContain(outside, codes);
        Assert.DoesNotContain(red, codes);
        Assert.Equal(20_000_000.00m, eligible["items"]![0]!["limit"]!.Value<decimal>());
        Assert.NotNull(eligible["asOf"]!.Value<string>());

        var why = (await bank.GetJsonAsync($"/api/banks/BOC-LF/products/green-1/eligibility/{c}")).Expect(200).Body;
        Assert.False(why["eligible"]!.Value<bool>());
        Assert.Equal(JTokenType.Null, why["limit"]!.Type);
        Assert.Contains("grade C is below the required B", why["reasons"]!.Values<string>());
        var whyRed = (await bank.GetJsonAsync($"/api/banks/BOC-LF/products/green-1/eligibility/{red}")).Expect(200).Body;
        Assert.Contains("credit rating Red: Red and Black firms get no new loans", whyRed["reasons"]!.Values<string>());
        var whyOutside = (await bank.GetJsonAsync($"/api/banks/BOC-LF/products/green-1/eligibility/{outside}")).Expect(200).Body;
        Assert.Contains("region 130100 is outside the regions the product serves (1310)", whyOutside["reasons"]!.Values<string>());

        using var firm = api.Server.Client(await api.IssueKeyAsync("enterprise", a));
        var mine = (await firm.GetJsonAsync($"/api/enterprises/{a}/eligible-products")).Expect(200).Body;
        Assert.Contains(mine["items"]!, i => i["productId"]!.Value<string>() == "green-1" && i["bankId"]!.Value<string>() == "BOC-LF");
        (await firm.GetJsonAsync($"/api/enterprises/{b}/eligible-products")).Expect(404);

        using var other = api.Server.Client(await api.IssueKeyAsync("bank", "ABC-LF"));
        (await other.GetJsonAsync("/api/banks/BOC-LF/products/green-1/eligible")).Expect(404);
        (await other.GetJsonAsync($"/api/banks/BOC-LF/products/green-1/eligibility/{a}")).Expect(404);
        (await other.GetJsonAsync("/api/banks/BOC-LF/products")).Expect(404);
        (await other.PutJsonAsync("/api/banks/BOC-LF/products/green-1", Product())).Expect(403);
        using var official = api.Server.Client(await api.IssueKeyAsync("official", "1310"));
        (await official.GetJsonAsync("/api/banks/BOC-LF/products")).Expect(200);
        (await official.GetJsonAsync("/api/banks/BOC-LF/products/green-1/eligible")).Expect(403);
        var bad = (await bank.PutJsonAsync("/api/banks/BOC-LF/products/bad", new { name = "x", minGrade = "B", minCreditRating = "Red", minAmount = 1m, maxAmount = 1m, annualRatePct = 3m, termMonths = 12 })).Expect(400);
        Assert.True(((JObject)bad.Body["errors"]!).ContainsKey("minCreditRating"));
    }

    [Fact]
    public async Task Editing_a_grade_changes_eligibility_without_waiting_for_the_timer()
    {
        using var bank = api.Server.Client(await api.IssueKeyAsync("bank", "CCB-LF"));
        var firm = await FirmAsync("C");
        (await bank.PutJsonAsync("/api/banks/CCB-LF/products/b-plus", Product())).Expect(201);
        Assert.DoesNotContain((await bank.GetJsonAsync("/api/banks/CCB-LF/products/b-plus/eligible")).Body["items"]!, i => i["creditCode"]!.Value<string>() == firm);

        var body = new { name = "企业", region = "131024", industry = "IndustrialCoating", grade = "A", gradeValidUntil = "2099-12-31", positiveList = true, creditRating = "Blue" };
        (await api.Admin.PutJsonAsync($"/api/enterprises/{firm}", body)).Expect(200);
        var listed = (await bank.GetJsonAsync("/api/banks/CCB-LF/products/b-plus/eligible")).Body["items"]!;
        Assert.Contains(listed, i => i["creditCode"]!.Value<string>() == firm && i["grade"]!.Value<string>() == "A");

        (await api.Admin.PutJsonAsync($"/api/enterprises/{firm}", body with { grade = "BMinus" })).Expect(200);
        Assert.DoesNotContain((await bank.GetJsonAsync("/api/banks/CCB-LF/products/b-plus/eligible")).Body["items"]!, i => i["creditCode"]!.Value<string>() == firm);
    }

    [Fact]
    public async Task A_pledge_product_limits_by_rights_value_and_pledged_rights_cannot_be_sold_until_released()
    {
        using var bank = api.Server.Client(await api.IssueKeyAsync("bank", "ICBC-LF"));
        var holder = await FirmAsync("A", "131000");
        var buyer = await FirmAsync("B", "131000");
        await api.AllocateAsync(holder, 100m, "131000", "NOx");
        await api.AllocateAsync("reserve", 50m, "131000", "NOx");
        // The market's price over the last 12 months: 10 t × 5 yr at 6,000 → 6,000 CNY per t·yr.
        (await api.Admin.PostJsonAsync("/api/trades", ApiFixture.Trade("reserve", buyer, 10m, 6000m, 5, "131000", "NOx", RecentDay, "ReserveSale"), ApiFixture.Key("price"))).Expect(201);
        await api.SecondSellerAsync("131000", "NOx", 6000m, 5, RecentDay);

        var pledgeProduct = Product("B", ["13"], new { pollutants = new[] { "NOx" }, loanToValue = 0.7m }, minAmount: 100_000m);
        (await bank.PutJsonAsync("/api/banks/ICBC-LF/products/pledge-1", pledgeProduct)).Expect(201);
        var row = (await bank.GetJsonAsync("/api/banks/ICBC-LF/products/pledge-1/eligible")).Body["items"]!.Single(i => i["creditCode"]!.Value<string>() == holder);
        // 100 t × 6,000 × 36/12 × 0.7 = 1,260,000.00
        Assert.Equal(1_260_000.00m, row["limit"]!.Value<decimal>());

        // The bank asks; nothing is bound until the holder accepts.
        var pledge = (await bank.PostJsonAsync("/api/pledges", new { bankId = "ICBC-LF", holder, region = "131000", pollutant = "NOx", quantity = 80m, loanAmount = 1_000_000m, reference = "loan 1" },
            ApiFixture.Key("pledge-1"))).Expect(201).Body;
        Assert.Equal("requested", pledge["status"]!.Value<string>());
        Assert.Equal(0m, (await api.Admin.GetJsonAsync($"/api/enterprises/{holder}/holdings")).Array.Single(h => h["pollutant"]!.Value<string>() == "NOx")["pledged"]!.Value<decimal>());
        (await bank.PostJsonAsync($"/api/pledges/{pledge["id"]}/accept", "{}")).Expect(403);
        using var holderClient = api.Server.Client(await api.IssueKeyAsync("enterprise", holder));
        Assert.Equal("active", (await holderClient.PostJsonAsync($"/api/pledges/{pledge["id"]}/accept", "{}")).Expect(200).Body["status"]!.Value<string>());
        var holding = (await api.Admin.GetJsonAsync($"/api/enterprises/{holder}/holdings")).Array.Single(h => h["pollutant"]!.Value<string>() == "NOx");
        Assert.Equal(80m, holding["pledged"]!.Value<decimal>());
        Assert.Equal(20m, holding["available"]!.Value<decimal>());

        var sale = (await api.Admin.PostJsonAsync("/api/trades", ApiFixture.Trade(holder, buyer, 21m, 6000m, 1, "131000", "NOx", RecentDay), ApiFixture.Key("sale-pledged"))).Expect(409);
        Assert.Equal(20m, sale.Body["available"]!.Value<decimal>());
        // A second pledge of the same holding fits only in what is still available.
        var second = (await api.Admin.PostJsonAsync("/api/pledges", new { bankId = "ABC-X", holder, region = "131000", pollutant = "NOx", quantity = 21m, loanAmount = 1m }, ApiFixture.Key("pledge-2"))).Expect(409);
        Assert.Equal(20m, second.Body["available"]!.Value<decimal>());
        // Matching sees the pledged rights as unavailable: 20 t × 6,000 × 3 × 0.7 = 252,000.00
        var after = (await bank.GetJsonAsync("/api/banks/ICBC-LF/products/pledge-1/eligible")).Body["items"]!.Single(i => i["creditCode"]!.Value<string>() == holder);
        Assert.Equal(252_000.00m, after["limit"]!.Value<decimal>());

        using var otherBank = api.Server.Client(await api.IssueKeyAsync("bank", "ABC-X"));
        (await otherBank.PostJsonAsync($"/api/pledges/{pledge["id"]}/release", "{}")).Expect(404);
        var released = (await bank.PostJsonAsync($"/api/pledges/{pledge["id"]}/release", "{}")).Expect(200).Body;
        Assert.Equal("released", released["status"]!.Value<string>());
        // Released again: the same answer, no second effect.
        Assert.Equal(released.ToString(), (await bank.PostJsonAsync($"/api/pledges/{pledge["id"]}/release", "{}")).Expect(200).Body.ToString());
        (await api.Admin.PostJsonAsync("/api/trades", ApiFixture.Trade(holder, buyer, 21m, 6000m, 1, "131000", "NOx", RecentDay), ApiFixture.Key("sale-released"))).Expect(201);
    }

    [Fact]
    public async Task RefreshMatches_removes_results_that_no_longer_hold()
    {
        using var bank = api.Server.Client(await api.IssueKeyAsync("bank", "HX-LF"));
        var holder = await FirmAsync("A", "131000");
        var buyer = await FirmAsync("B", "131000");
        await api.AllocateAsync(holder, 30m, "131000", "TN");
        (await api.Admin.PostJsonAsync("/api/trades", ApiFixture.Trade(holder, buyer, 1m, 5000m, 1, "131000", "TN", RecentDay), ApiFixture.Key("tn-price"))).Expect(201);
        await api.SecondSellerAsync("131000", "TN", 5000m, 1, RecentDay);
        (await bank.PutJsonAsync("/api/banks/HX-LF/products/tn", Product("B", ["1310"], new { pollutants = new[] { "TN" }, loanToValue = 0.8m }, minAmount: 100_000m))).Expect(201);
        Assert.Contains((await bank.GetJsonAsync("/api/banks/HX-LF/products/tn/eligible")).Body["items"]!, i => i["creditCode"]!.Value<string>() == holder);

        // The holder sells almost all its rights; trades do not refresh matches at once, the hourly timer does.
        (await api.Admin.PostJsonAsync("/api/trades", ApiFixture.Trade(holder, buyer, 28m, 5000m, 1, "131000", "TN", RecentDay), ApiFixture.Key("tn-sale"))).Expect(201);
        using var host = api.Server.Client();
        var run = (await host.PostJsonAsync("/admin/functions/RefreshMatches", """{"input":""}""")).Expect(202).Body;
        Assert.Contains("eligible pair(s)", run["logs"]![0]!.Value<string>());
        Assert.DoesNotContain((await bank.GetJsonAsync("/api/banks/HX-LF/products/tn/eligible")).Body["items"]!, i => i["creditCode"]!.Value<string>() == holder);
        var why = (await bank.GetJsonAsync($"/api/banks/HX-LF/products/tn/eligibility/{holder}")).Body;
        Assert.Contains(why["reasons"]!.Values<string>(), r => r!.Contains("below the product's minimum", StringComparison.Ordinal));
    }

    private static async Task<JObject> RunRefreshMatchesAsync(TestServer server)
    {
        using var host = server.Client();
        return (await host.PostJsonAsync("/admin/functions/RefreshMatches", """{"input":""}""")).Expect(202).Body;
    }

    private static async Task ImportAsync(HttpClient client, string csv, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/imports/enterprises") { Content = new StringContent(csv, System.Text.Encoding.UTF8, "text/csv") };
        request.Headers.Add("Idempotency-Key", key);
        using var response = await client.SendAsync(request);
        Assert.Equal(202, (int)response.StatusCode);
        var id = JObject.Parse(await response.Content.ReadAsStringAsync())["id"]!.Value<string>();
        for (var i = 0; i < 600; i++)
        {
            await Task.Delay(100);
            var job = (await client.GetJsonAsync($"/api/imports/{id}")).Expect(200).Body;
            if (job["status"]!.Value<string>() == "done") { Assert.Equal(0, job["failed"]!.Value<long>()); return; }
        }
        Assert.Fail("the import did not finish");
    }

    /// <summary>The stored eligible firms of a product, as (credit code, limit), restricted to <paramref name="firms"/>.</summary>
    private static async Task<List<(string, decimal)>> StoredAsync(HttpClient bank, string product, IReadOnlyCollection<string> firms) =>
        (await bank.GetJsonAsync($"{product}/eligible?pageSize=1000")).Expect(200).Body["items"]!
        .Where(i => firms.Contains(i["creditCode"]!.Value<string>()!)).Select(i => (i["creditCode"]!.Value<string>()!, i["limit"]!.Value<decimal>())).Order().ToList();

    /// <summary>A fresh evaluation of every pair (the explain endpoint stores nothing), as (credit code, limit) of the eligible ones.</summary>
    private static async Task<List<(string, decimal)>> EvaluatedAsync(HttpClient bank, string product, IReadOnlyCollection<string> firms)
    {
        var result = new List<(string, decimal)>();
        foreach (var firm in firms)
        {
            var why = (await bank.GetJsonAsync($"{product}/eligibility/{firm}")).Expect(200).Body;
            if (why["eligible"]!.Value<bool>()) result.Add((firm, why["limit"]!.Value<decimal>()));
        }
        return result.Order().ToList();
    }

    [Fact]
    public async Task An_incremental_RefreshMatches_after_edits_trades_and_pledges_stores_what_a_full_evaluation_gives()
    {
        using var bank = api.Server.Client(await api.IssueKeyAsync("bank", "INC-LF"));
        const string region = "132201";
        var firms = new List<string>();
        foreach (var grade in new[] { "A", "B", "B", "C", "BMinus", "A" }) firms.Add(await FirmAsync(grade, region));
        await api.AllocateAsync(firms[0], 40m, region, "SO2");
        await api.AllocateAsync(firms[1], 60m, region, "SO2");
        await api.AllocateAsync("reserve", 50m, region, "SO2");
        (await api.Admin.PostJsonAsync("/api/trades", ApiFixture.Trade("reserve", firms[2], 10m, 4000m, 5, region, "SO2", RecentDay, "ReserveSale"), ApiFixture.Key("inc-price"))).Expect(201);
        await api.SecondSellerAsync(region, "SO2", 4000m, 5, RecentDay);
        var plain = "/api/banks/INC-LF/products/plain";
        var pledge = "/api/banks/INC-LF/products/pledge";
        (await bank.PutJsonAsync(plain, Product("B", ["1322"]))).Expect(201);
        (await bank.PutJsonAsync(pledge, Product("B", ["13"], new { pollutants = new[] { "SO2" }, loanToValue = 0.8m }, minAmount: 200_000m))).Expect(201);
        Assert.Contains("eligible pair(s)", (await RunRefreshMatchesAsync(api.Server))["logs"]![0]!.Value<string>());

        // Changes the timer must find: firm edits by import (no refresh at once), trades moving holdings, a new firm,
        // and a product edit.
        var newcomer = ApiFixture.NewCreditCode(region).Value;
        var csv = "creditCode,name,region,industry,grade,gradeValidUntil,positiveList,creditRating\n"
                  + $"{firms[3]},升级,{region},IndustrialCoating,A,2099-12-31,是,Blue\n"
                  + $"{firms[0]},降级,{region},IndustrialCoating,D,2099-12-31,是,Blue\n"
                  + $"{firms[5]},改名,{region},IndustrialCoating,A,2099-12-31,是,Green\n"
                  + $"{newcomer},新企业,{region},IndustrialCoating,B,2099-12-31,否,Blue\n";
        await ImportAsync(api.Admin, csv, "inc-edits");
        firms.Add(newcomer);
        (await api.Admin.PostJsonAsync("/api/trades", ApiFixture.Trade(firms[1], firms[4], 45m, 4000m, 1, region, "SO2", RecentDay), ApiFixture.Key("inc-sale"))).Expect(201);
        (await bank.PutJsonAsync(plain, Product("A", ["1322"]))).Expect(200);

        var run = (await RunRefreshMatchesAsync(api.Server))["logs"]![0]!.Value<string>()!;
        Assert.StartsWith("incremental", run);
        foreach (var product in new[] { plain, pledge })
            Assert.Equal(await EvaluatedAsync(bank, product, firms), await StoredAsync(bank, product, firms));
        var mine = (await api.Admin.GetJsonAsync($"/api/enterprises/{firms[3]}/eligible-products")).Expect(200).Body["items"]!;
        Assert.Contains(mine, i => i["productId"]!.Value<string>() == "plain");

        // And globally: a full evaluation of every product and firm of this fixture finds nothing to change.
        var full = await api.Server.Services.GetRequiredService<MatchRefresher>().RefreshFullAsync(CancellationToken.None);
        Assert.Equal((0, 0), (full.Written, full.Deleted));
    }

    [Fact]
    public async Task A_grade_that_expires_between_runs_is_dropped_by_the_next_incremental_RefreshMatches()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var server = await api.StartServerAsync(b => b.Services.AddSingleton<TimeProvider>(clock));
        using var admin = server.Client(ApiFixture.AdminKey);
        using var bank = server.Client(await api.IssueKeyAsync("bank", "EXP-LF"));
        var today = DateOnly.FromDateTime(clock.GetUtcNow().ToOffset(TimeSpan.FromHours(8)).DateTime);
        var code = ApiFixture.NewCreditCode("132301").Value;
        var lasting = ApiFixture.NewCreditCode("132301").Value;
        foreach (var (firm, until) in new[] { (code, today.AddDays(1)), (lasting, today.AddDays(400)) })
            (await admin.PutJsonAsync($"/api/enterprises/{firm}", new
            {
                name = "到期企业", region = "132301", industry = "Cement", grade = "B", gradeValidUntil = until.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                positiveList = true, creditRating = "Blue",
            })).Expect(201);
        (await bank.PutJsonAsync("/api/banks/EXP-LF/products/b", Product("B", ["1323"]))).Expect(201);
        await RunRefreshMatchesAsync(server);
        Assert.Equal(new[] { code, lasting }.Order(StringComparer.Ordinal), (await StoredAsync(bank, "/api/banks/EXP-LF/products/b", [code, lasting])).Select(x => x.Item1).Order(StringComparer.Ordinal));

        clock.Advance(TimeSpan.FromDays(3));
        var run = (await RunRefreshMatchesAsync(server))["logs"]![0]!.Value<string>()!;
        Assert.StartsWith("incremental", run);
        Assert.Equal([lasting], (await StoredAsync(bank, "/api/banks/EXP-LF/products/b", [code, lasting])).Select(x => x.Item1).ToList());
        var why = (await bank.GetJsonAsync($"/api/banks/EXP-LF/products/b/eligibility/{code}")).Body;
        Assert.Contains(why["reasons"]!.Values<string>(), r => r!.Contains("expired", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Concurrent_pledges_and_sales_on_one_holding_from_two_instances_never_over_commit_it()
    {
        await using var second = await api.StartServerAsync();
        using var secondAdmin = second.Client(ApiFixture.AdminKey);
        var holder = await FirmAsync("A", "131000");
        var buyer = await FirmAsync("B", "131000");
        await api.AllocateAsync(holder, 10m, "131000", "TP");

        var work = new List<Task<Reply>>();
        for (var i = 0; i < 10; i++)
        {
            var client = i % 2 == 0 ? api.Admin : secondAdmin;
            work.Add(client.PostJsonAsync("/api/trades", ApiFixture.Trade(holder, buyer, 3m, 1000m, 1, "131000", "TP", RecentDay), ApiFixture.Key($"tp-{i}")));
            work.Add((i % 2 == 0 ? secondAdmin : api.Admin).PostJsonAsync("/api/pledges", new { bankId = "ICBC-LF", holder, region = "131000", pollutant = "TP", quantity = 3m, loanAmount = 10_000m },
                ApiFixture.Key($"tp-pledge-{i}")));
        }
        var replies = await Task.WhenAll(work);
        Assert.All(replies, r => Assert.True(r.Status is 201 or 409, r.ToString()));
        var sold = replies.Count(r => r.Status == 201 && r.Body.ContainsKey("sequence")) * 3m;
        var pledged = replies.Count(r => r.Status == 201 && r.Body.ContainsKey("loanAmount")) * 3m;
        Assert.True(sold + pledged <= 10m, $"sold {sold} + pledged {pledged} > 10");

        var rows = await api.MarketRowsAsync("131000-TP");
        var h = rows.Single(r => r.RowKey == $"holding:{holder}");
        Assert.Equal(10_000_000 - (long)(sold * 1_000_000), h.GetInt64("HeldGrams"));
        Assert.Equal((long)(pledged * 1_000_000), h.GetInt64("PledgedGrams"));
        Assert.True(h.GetInt64("HeldGrams") >= h.GetInt64("PledgedGrams"));
        Assert.Equal(10_000_000, rows.Where(r => r.RowKey.StartsWith("holding:", StringComparison.Ordinal)).Sum(r => r.GetInt64("HeldGrams")!.Value));
    }
}

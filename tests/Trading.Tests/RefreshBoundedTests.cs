using System.Globalization;
using System.Text;
using Azure.Data.Tables;
using Trading.Core.Access;
using Trading.Core.Primitives;
using Trading.Infra;
using Trading.Tests.Support;

namespace Trading.Tests;

/// <summary>
/// RefreshMatches at scale, on tables of its own: after a large import (a bulk pass over the by-region copy) and after
/// nationwide product edits, the incremental run stores exactly what a full refresh stores; runs stopped by the step
/// limit at random points and run again end in the same state.
/// </summary>
public sealed class RefreshBoundedTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private static readonly string RecentDay = DateTimeOffset.UtcNow.AddDays(-10).ToString("yyyy-MM-dd'T'10:00:00+08:00", CultureInfo.InvariantCulture);
    private static readonly string[] s_counties = ["132401", "132402", "132501", "142601", "152701"];
    private static readonly string[] s_grades = ["A", "B", "BMinus", "C", "D", ""];

    private static object Product(string minGrade, string[] regions, object? pledge = null) => new
    {
        name = "绿色贷", minGrade, allowUngraded = false, minCreditRating = "Blue", requirePositiveList = false,
        industries = Array.Empty<string>(), regions, minAmount = 100_000m, maxAmount = 20_000_000m, annualRatePct = 3.45m, termMonths = 36, pledge,
    };

    /// <summary>CSV rows of <paramref name="count"/> firms, seeded: grades, ratings and counties spread.</summary>
    private static List<string> Firms(int count, Random random, List<string> codes)
    {
        var rows = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var region = s_counties[random.Next(s_counties.Length)];
            var code = ApiFixture.NewCreditCode(region).Value;
            codes.Add(code);
            rows.Add(Row(code, region, s_grades[random.Next(s_grades.Length)], random.Next(4) == 0 ? "Green" : random.Next(6) == 0 ? "Red" : "Blue"));
        }
        return rows;
    }

    private static string Row(string code, string region, string grade, string rating) =>
        $"{code},企业{code[^4..]},{region},Cement,{grade},{(grade == "" ? "" : "2099-12-31")},是,{rating}";

    private static async Task ImportAsync(HttpClient client, IEnumerable<string> rows, string key)
    {
        var csv = new StringBuilder("creditCode,name,region,industry,grade,gradeValidUntil,positiveList,creditRating\n");
        foreach (var r in rows) csv.Append(r).Append('\n');
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/imports/enterprises") { Content = new StringContent(csv.ToString(), Encoding.UTF8, "text/csv") };
        request.Headers.Add("Idempotency-Key", key);
        using var response = await client.SendAsync(request);
        Assert.Equal(202, (int)response.StatusCode);
        var id = JObject.Parse(await response.Content.ReadAsStringAsync())["id"]!.Value<string>();
        for (var i = 0; i < 1200; i++)
        {
            await Task.Delay(100);
            var job = (await client.GetJsonAsync($"/api/imports/{id}")).Expect(200).Body;
            if (job["status"]!.Value<string>() == "done") { Assert.Equal(0, job["failed"]!.Value<long>()); return; }
        }
        Assert.Fail("the import did not finish");
    }

    /// <summary>Both match tables, every row but the as-of rows, without their timestamps: what the lists show.</summary>
    private async Task<List<string>> TablesAsync()
    {
        var rows = new List<string>();
        foreach (var (name, table) in new[] { ("matches", api.Storage.Matches), ("byfirm", api.Storage.MatchesByFirm) })
            await foreach (var e in table.QueryAsync<TableEntity>())
            {
                if (e.RowKey == "~asof") continue;
                rows.Add(string.Join('|', name, e.PartitionKey, e.RowKey, e.GetString("CreditCode"), e.GetString("ProductKey"), e.GetString("ProductRowKey"), e.GetString("Name"),
                    e.GetString("Region"), e.GetString("Grade"), e.GetString("CreditRating"), e.GetInt64("LimitFen")?.ToString(CultureInfo.InvariantCulture)));
            }
        rows.Sort(StringComparer.Ordinal);
        return rows;
    }

    private async Task<List<string>> RunUntilDoneAsync(TestServer server, Random? stopAt = null)
    {
        var budgets = server.Services.GetRequiredService<TimerBudgets>();
        var logs = new List<string>();
        using var host = server.Client();
        for (var run = 0; run < 500; run++)
        {
            budgets.StepLimit = stopAt is null ? null : 1 + stopAt.Next(4);
            var lines = (await host.PostJsonAsync("/admin/functions/RefreshMatches", """{"input":""}""")).Expect(202).Body["logs"]!.Values<string>().ToList();
            logs.Add(lines[0]!);
            if (!lines.Any(l => l!.StartsWith("Stopped at the time budget", StringComparison.Ordinal))) return logs;
        }
        budgets.StepLimit = null;
        Assert.Fail("the refresh never finished");
        return logs;
    }

    /// <summary>Products: two for cities, one for a province, two nationwide, one pledge product for the province.</summary>
    private async Task<HttpClient> SetUpAsync(string bankId, Random random, List<string> codes)
    {
        var bank = api.Server.Client(await api.IssueKeyAsync("bank", bankId));
        (await bank.PutJsonAsync($"/api/banks/{bankId}/products/city-a", Product("B", ["1324"]))).Expect(201);
        (await bank.PutJsonAsync($"/api/banks/{bankId}/products/city-b", Product("C", ["1325"]))).Expect(201);
        (await bank.PutJsonAsync($"/api/banks/{bankId}/products/prov", Product("BMinus", ["13"]))).Expect(201);
        (await bank.PutJsonAsync($"/api/banks/{bankId}/products/nation-1", Product("B", []))).Expect(201);
        (await bank.PutJsonAsync($"/api/banks/{bankId}/products/nation-2", Product("C", []))).Expect(201);
        (await bank.PutJsonAsync($"/api/banks/{bankId}/products/pledge", Product("B", ["13"], new { pollutants = new[] { "SO2" }, loanToValue = 0.8m }))).Expect(201);
        await ImportAsync(api.Admin, Firms(150, random, codes), bankId + "-first");
        // Rights in one market with a price, for the pledge product.
        var market = s_counties[0];
        foreach (var holder in codes.Take(4)) await api.AllocateAsync(holder, 50m, market, "SO2");
        await api.AllocateAsync("reserve", 50m, market, "SO2");
        (await api.Admin.PostJsonAsync("/api/trades", ApiFixture.Trade("reserve", codes[5], 10m, 4000m, 5, market, "SO2", RecentDay, "ReserveSale"), ApiFixture.Key(bankId + "-price"))).Expect(201);
        await api.SecondSellerAsync(market, "SO2", 4000m, 5, RecentDay);
        return bank;
    }

    /// <summary>The edits: a second, larger import (new firms and changed ones) and two nationwide products edited without their immediate refresh.</summary>
    private async Task EditAsync(string bankId, Random random, List<string> codes, string round)
    {
        var rows = Firms(300, random, codes);
        foreach (var code in codes.Take(150).OrderBy(_ => random.Next()).Take(40))
            rows.Add(Row(code, code[2..8], s_grades[random.Next(s_grades.Length)], random.Next(3) == 0 ? "Yellow" : "Green"));
        await ImportAsync(api.Admin, rows, $"{bankId}-{round}");
        (await api.Admin.PostJsonAsync("/api/trades", ApiFixture.Trade(codes[0], codes[7], 12m, 4000m, 1, s_counties[0], "SO2", RecentDay), ApiFixture.Key($"{bankId}-{round}-sale"))).Expect(201);
        // A bank's edit whose immediate refresh did not happen (it failed): only the timer evaluates it.
        var store = api.Server.Services.GetRequiredService<ProductStore>();
        var bank = BankId.TryParse(bankId, out var id, out _) ? id : throw new InvalidOperationException();
        foreach (var (product, grade) in new[] { ("nation-1", PerformanceGrade.A), ("nation-2", PerformanceGrade.B) })
        {
            var p = (await store.GetAsync(bank, product, CancellationToken.None))!;
            await store.PutAsync(p with { MinGrade = round == "edits" ? grade : PerformanceGrade.C }, Principal.Bank(bank), _ => "{}", null, CancellationToken.None);
        }
    }

    [Fact]
    public async Task After_a_large_import_and_nationwide_edits_the_incremental_run_stores_what_a_full_refresh_stores_also_when_stopped_at_random_points()
    {
        var random = new Random(17);
        var codes = new List<string>();
        // Pages of 40 firms and pieces of 16: a pass is many pieces, so runs stop inside passes too.
        var refresher = api.Server.Services.GetRequiredService<MatchRefresher>();
        (refresher.PageSize, refresher.FirmChunk) = (40, 16);
        using var bank = await SetUpAsync("BIG-LF", random, codes);
        var first = await RunUntilDoneAsync(api.Server);
        Assert.StartsWith("full", first[0]);

        // 300 new firms on 150, 40 changed, a trade, two nationwide products edited: one bulk pass, not 340 firms one by one.
        await EditAsync("BIG-LF", random, codes, "edits");
        var run = await RunUntilDoneAsync(api.Server);
        Assert.Single(run);
        Assert.StartsWith("incremental", run[0]);
        Assert.Contains("bulk pass", run[0]);
        Assert.DoesNotContain("one by one", run[0]);
        var incremental = await TablesAsync();
        Assert.Contains(incremental, r => r.Contains("BIG-LF|nation-1", StringComparison.Ordinal));
        var full = await refresher.RefreshFullAsync(CancellationToken.None);
        Assert.Equal((0, 0), (full.Written, full.Deleted));
        Assert.Equal(incremental, await TablesAsync());
        // Nothing left to do: an idle run lists nothing.
        Assert.Contains("idle", (await RunUntilDoneAsync(api.Server))[0]);

        // Again, with every run stopped after 1 to 4 pieces at random: the same end state as a full refresh.
        await EditAsync("BIG-LF", random, codes, "again");
        var stopped = await RunUntilDoneAsync(api.Server, new Random(2026));
        Assert.True(stopped.Count > 3, string.Join("\n", stopped));
        var afterStops = await TablesAsync();
        full = await refresher.RefreshFullAsync(CancellationToken.None);
        Assert.Equal((0, 0), (full.Written, full.Deleted));
        Assert.Equal(afterStops, await TablesAsync());

        // A full refresh (a cold start: no run recorded) stopped at random points resumes from its stored cursor.
        await api.Storage.MatchState.DeleteEntityAsync("run", "last");
        await EditAsync("BIG-LF", random, codes, "cold");
        var cold = await RunUntilDoneAsync(api.Server, new Random(7));
        Assert.StartsWith("full", cold[0]);
        Assert.True(cold.Count > 3, string.Join("\n", cold));
        var afterCold = await TablesAsync();
        full = await refresher.RefreshFullAsync(CancellationToken.None);
        Assert.Equal((0, 0), (full.Written, full.Deleted));
        Assert.Equal(afterCold, await TablesAsync());
        Assert.Contains("idle", (await RunUntilDoneAsync(api.Server))[0]);

        // Products narrowed and widened (a pass over each one's regions, the rows it no longer serves removed) and a few
        // firms edited (one by one), stopped at random points: again what a full refresh stores.
        var store = api.Server.Services.GetRequiredService<ProductStore>();
        var bankId = BankId.TryParse("BIG-LF", out var b, out _) ? b : throw new InvalidOperationException();
        foreach (var (product, regions) in new[] { ("prov", new[] { "1324" }), ("city-b", new[] { "1325", "14" }) })
        {
            var p = (await store.GetAsync(bankId, product, CancellationToken.None))!;
            await store.PutAsync(p with { Regions = regions.Select(r => RegionPrefix.TryParse(r, out var x, out _) ? x : throw new InvalidOperationException()).ToList() },
                Principal.Bank(bankId), _ => "{}", null, CancellationToken.None);
        }
        await ImportAsync(api.Admin, codes.Skip(200).Take(6).Select(c => Row(c, c[2..8], "A", "Green")), "BIG-LF-few");
        var narrowed = await RunUntilDoneAsync(api.Server, new Random(99));
        Assert.Contains(narrowed, l => l.Contains("product pass", StringComparison.Ordinal));
        Assert.Contains(narrowed, l => l.Contains("one by one", StringComparison.Ordinal));
        var afterNarrowing = await TablesAsync();
        Assert.DoesNotContain(afterNarrowing, r => r.StartsWith("matches|BIG-LF|prov|", StringComparison.Ordinal) && r.Split('|')[9].StartsWith("1325", StringComparison.Ordinal));
        full = await refresher.RefreshFullAsync(CancellationToken.None);
        Assert.Equal((0, 0), (full.Written, full.Deleted));
        Assert.Equal(afterNarrowing, await TablesAsync());
    }
}

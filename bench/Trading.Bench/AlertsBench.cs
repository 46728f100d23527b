using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using Trading.Core.Alerts;
using Trading.Core.Enterprises;
using Trading.Core.Primitives;
using Trading.Infra;
using Trading.Tests.Support;

namespace Trading.Bench;

/// <summary>
/// An alert's summary over a prefix with 20,000 firms (issue 18): the firms come by the CSV import, their emergency plans
/// by <c>PUT /api/enterprises/{code}/emergency-plan</c> and the prefix's industry rules by <c>PUT /api/emergency-rules</c>,
/// all over HTTP on the real server, so the rows are the backend's own. Then <c>GET /api/alerts/{id}/summary</c> is timed
/// against the raw Azure SDK reading the same by-region rows in bulk (the firms' and the plans' partitions under the
/// prefix, all pages), interleaved on the same Azurite; goal ≤ 2×. The summary must equal the recount of the raw rows
/// (each firm's measure by the core rule) and count every firm once.
/// </summary>
public static class AlertsBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        int Arg(int i, int fallback) => args.Length > i ? int.Parse(args[i], CultureInfo.InvariantCulture) : fallback;
        var (firmCount, rounds) = (Arg(0, 20_000), Arg(1, 30));
        const string region = "1410";
        var azurite = await Azurite.Shared;
        var prefix = $"malert{firmCount}x" + Guid.NewGuid().ToString("N")[..4];
        Console.WriteLine($"Azurite on 127.0.0.1:{azurite.TablePort}; {Environment.ProcessorCount} cores; {firmCount:N0} firms under {region}, {rounds} timed rounds");
        await using var server = await BenchServer.StartAsync(azurite.ConnectionString, prefix);
        var http = server.Http;
        var storage = new StorageContext(new StorageOptions { ConnectionString = azurite.ConnectionString, Prefix = prefix });
        var random = new Random(18);
        var setup = Stopwatch.StartNew();

        // 1. Firms by CSV import: 10 counties of 1410, graded as the issue says is typical (A 2–3 %, B 10–20 %).
        var industries = Enum.GetValues<Industry>();
        var grades = new (string Grade, int Weight)[] { ("APlus", 1), ("A", 2), ("Leading", 1), ("B", 15), ("BMinus", 10), ("C", 30), ("D", 11), ("", 30) };
        string Pick((string, int)[] items) { var n = random.Next(items.Sum(x => x.Item2)); foreach (var (v, w) in items) { if (n < w) return v; n -= w; } return items[^1].Item1; }
        var firms = new List<(string Code, string Region, string Industry, string Grade)>(firmCount);
        var csv = new StringBuilder("creditCode,name,region,industry,grade,gradeValidUntil,positiveList,creditRating\n");
        for (var i = 0; i < firmCount; i++)
        {
            var county = region + (1 + i % 10).ToString("D2", CultureInfo.InvariantCulture);
            var code = CreditCode.FromBody("91" + county + i.ToString("D9", CultureInfo.InvariantCulture)).Value;
            var grade = Pick(grades);
            var industry = grade == "" && random.Next(2) == 0 ? "Other" : industries[random.Next(industries.Length - 1)].ToString();
            // A few grades expired (they count as ungraded).
            var until = grade == "" ? "" : random.Next(20) == 0 ? "2025-06-30" : "2028-12-31";
            firms.Add((code, county, industry, grade));
            csv.Append(CultureInfo.InvariantCulture, $"{code},企业{i},{county},{industry},{grade},{until},否,Blue\n");
        }
        await ImportAsync(http, csv.ToString());
        Console.WriteLine($"setup: {firmCount:N0} firms imported: {setup.Elapsed.TotalSeconds:0.0} s");

        // 2. Industry rules for the prefix (and a longer one for one county), then plans for a quarter of the firms (some on the guarantee list).
        string[] ruled = ["Cement", "Glass", "IndustrialCoating", "Furniture", "Foundry", "PackagingAndPrinting", "Ceramics", "WoodBasedPanels"];
        var rules = ruled.SelectMany(ind => new[]
        {
            new { industry = ind, grade = "B", yellow = (object)new { measure = "none" }, orange = (object)new { measure = "limit", cutPct = 20 }, red = (object)new { measure = "stop" } },
            new { industry = ind, grade = "C", yellow = (object)new { measure = "limit", cutPct = 50 }, orange = (object)new { measure = "stop" }, red = (object)new { measure = "stop" } },
            new { industry = ind, grade = "D", yellow = (object)new { measure = "stop" }, orange = (object)new { measure = "stop" }, red = (object)new { measure = "stop" } },
        }).ToArray();
        await BenchHttp.Send(http, HttpMethod.Put, $"/api/emergency-rules/{region}", JsonSerializer.Serialize(new { rules }));
        await BenchHttp.Send(http, HttpMethod.Put, $"/api/emergency-rules/{region}01", JsonSerializer.Serialize(new
        {
            rules = new[] { new { industry = "Cement", grade = "B", yellow = new { measure = "limit", cutPct = 10 }, orange = new { measure = "limit", cutPct = 30 }, red = new { measure = "stop" } } },
        }));
        var planned = firms.Select((f, i) => (f.Code, N: i)).Where(_ => random.Next(4) == 0).ToList();
        await Parallel.ForEachAsync(planned, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (f, _) =>
        {
            var n = f.N;
            var body = new
            {
                guaranteeList = n % 10 == 0,
                yellow = new { measure = "none" },
                orange = n % 3 == 0
                    ? (object)new { measure = "stop", processes = "全厂", emissionCuts = new Dictionary<string, decimal> { ["NOx"] = 0.12m, ["PM"] = 0.03m } }
                    : new { measure = "limit", processes = "喷涂生产线", dailyOutputCap = 9200 + n % 1000, dailyOutputCut = 6400, unit = "件", emissionCuts = new Dictionary<string, decimal> { ["VOCs"] = 0.05m } },
                red = new { measure = "stop", processes = "全厂" },
            };
            await BenchHttp.Send(http, HttpMethod.Put, $"/api/enterprises/{f.Code}/emergency-plan", JsonSerializer.Serialize(body));
        });
        Console.WriteLine($"setup: rules for {region} and {region}01, {planned.Count:N0} plans: {setup.Elapsed.TotalSeconds:0.0} s");

        // 3. An orange alert over the prefix, in force now.
        var now = DateTimeOffset.UtcNow;
        using var declare = new HttpRequestMessage(HttpMethod.Post, "/api/alerts")
        {
            Content = new StringContent(JsonSerializer.Serialize(new { region, level = "orange", startsAt = now.AddMinutes(-1), endsAt = now.AddDays(2), reason = "bench" }), Encoding.UTF8, "application/json"),
        };
        declare.Headers.Add("Idempotency-Key", "bench-alert");
        using var declared = await http.SendAsync(declare);
        var alertText = await declared.Content.ReadAsStringAsync();
        if ((int)declared.StatusCode != 201) throw new InvalidOperationException($"declare: {(int)declared.StatusCode} {alertText}");
        var id = JsonNode.Parse(alertText)!["id"]!.GetValue<string>();
        var path = $"/api/alerts/{id}/summary";
        var summary = JsonNode.Parse(await http.GetStringAsync(path))!;
        Console.WriteLine($"summary: {summary["summary"]}");

        // 4. Timed, interleaved: the endpoint over HTTP, and the raw SDK reading the same rows in bulk (every page of both range queries, in parallel).
        var raw = RawRead(storage, region);
        var rawRows = await raw();
        var samples = new Dictionary<string, List<double>> { ["summary"] = [], ["raw"] = [] };
        for (var i = 0; i < rounds + 3; i++)
        {
            foreach (var key in samples.Keys)
            {
                var sw = Stopwatch.StartNew();
                if (key == "raw") await raw(); else await http.GetStringAsync(path);
                if (i >= 3) samples[key].Add(sw.Elapsed.TotalMilliseconds);
            }
        }
        double Median(string key) { var s = samples[key].Order().ToList(); return s[s.Count / 2]; }
        double P95(string key) { var s = samples[key].Order().ToList(); return s[Math.Min(s.Count - 1, (int)(s.Count * 0.95))]; }

        // 5. Exactness: every firm counted once, and the summary is the one the raw rows give (each firm's measure by the core rule, counted).
        var counted = summary["firms"]!.GetValue<int>();
        var byMeasure = summary["byMeasure"]!.AsObject().Sum(m => m.Value!.GetValue<int>());
        var recount = Recount(rawRows, AlertLevel.Orange, EmergencyRules.DayOf(DateTimeOffset.UtcNow));
        Console.WriteLine($"firms in the summary {counted:N0}, by measure {byMeasure:N0}; raw rows read {rawRows.Firms.Count:N0} firms + {rawRows.Plans.Count:N0} plans + {rawRows.Rules.Count} rule sets");
        Console.WriteLine($"recounted from the raw rows: {recount.Sentence}");
        var exact = counted == firmCount && byMeasure == firmCount && rawRows.Firms.Count == firmCount && recount.Sentence == summary["summary"]!.GetValue<string>()
                    && recount.ByMeasure.All(m => summary["byMeasure"]![MeasureNames.Of(m.Key)]!.GetValue<int>() == m.Value);
        Console.WriteLine();
        Console.WriteLine("| firms under the prefix | plans | GET alerts/{id}/summary, median (p95) | raw SDK read of the same rows, median (p95) | summary / raw |");
        Console.WriteLine("|---|---|---|---|---|");
        Console.WriteLine($"| {firmCount:N0} | {planned.Count:N0} | {Median("summary"):0} ms ({P95("summary"):0}) | {Median("raw"):0} ms ({P95("raw"):0}) | **{Median("summary") / Median("raw"):0.00}×** |");
        Console.WriteLine(exact ? "exact: every firm counted once, the summary equals the recount from the raw rows" : "NOT EXACT: the summary differs from the recount of the raw rows");
        return exact ? 0 : 1;
    }

    private sealed record RawRows(List<TableEntity> Firms, List<TableEntity> Plans, List<TableEntity> Rules);

    /// <summary>
    /// The raw SDK read of the rows the summary reads, as the backend reads them (AlertStore.MeasuresAsync): the firms' by-region
    /// copies under the prefix (the same columns, pages of 1,000), the plans kept under it and the industry rules over and
    /// under it, each one range query, all at once; every row materialised as a <see cref="TableEntity"/>, nothing decided.
    /// </summary>
    private static Func<Task<RawRows>> RawRead(StorageContext storage, string region) => async () =>
    {
        var range = TableClient.CreateQueryFilter($"PartitionKey ge {region} and PartitionKey lt {region + ":"}");
        var firms = ListAsync(storage.EnterprisesByRegion.QueryAsync<TableEntity>(range, maxPerPage: 1000,
            select: ["CreditCode", "Name", "Region", "Industry", "Grade", "GradeValidUntil"]));
        var plans = ListAsync(storage.EmergencyPlans.QueryAsync<TableEntity>(range + " and " + TableClient.CreateQueryFilter($"RowKey lt {BookLayout.RegisterItemsEnd}")));
        var over = ListAsync(storage.EmergencyRules.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {region[..2]} and RowKey eq {IndustryRuleSet.RowId}")));
        var under = ListAsync(storage.EmergencyRules.QueryAsync<TableEntity>(range + " and " + TableClient.CreateQueryFilter($"RowKey eq {IndustryRuleSet.RowId}")));
        await Task.WhenAll(firms, plans, over, under);
        return new RawRows(firms.Result, plans.Result, [.. over.Result, .. under.Result]);
    };

    private static async Task<List<TableEntity>> ListAsync(Azure.AsyncPageable<TableEntity> rows)
    {
        var list = new List<TableEntity>();
        await foreach (var e in rows) list.Add(e);
        return list;
    }

    /// <summary>The summary recomputed from the raw rows: each firm's measure by the core rule, counted (what the endpoint must answer).</summary>
    private static AlertSummary Recount(RawRows rows, AlertLevel level, DateOnly day)
    {
        var plans = rows.Plans.Select(AlertRows.ToPlan).ToDictionary(p => (p.Region.Value, p.Firm.Value));
        var rules = rows.Rules.Select(AlertRows.ToRules).ToList();
        var firms = rows.Firms.Select(t => new Enterprise(CreditCode.Parse(t.GetString("CreditCode")), t.GetString("Name"), RegionCode.Parse(t.GetString("Region")),
            Enum.Parse<Industry>(t.GetString("Industry")), Enum.Parse<PerformanceGrade>(t.GetString("Grade")),
            t.GetString("GradeValidUntil") is { } d ? DateOnly.ParseExact(d, "yyyy-MM-dd", CultureInfo.InvariantCulture) : null, false, CreditRating.Green, DateTimeOffset.MinValue));
        return AlertSummary.Of(level, firms.Select(f => EmergencyRules.MeasureOf(f, plans.GetValueOrDefault((f.Region.Value, f.CreditCode.Value)), rules, level, day)));
    }

    private static async Task ImportAsync(HttpClient http, string csv)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/imports/enterprises") { Content = new StringContent(csv, Encoding.UTF8, "text/csv") };
        request.Headers.Add("Idempotency-Key", "bench-alert-firms");
        using var response = await http.SendAsync(request);
        if ((int)response.StatusCode != 202) throw new InvalidOperationException($"import: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        var id = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString();
        while (true)
        {
            await Task.Delay(500);
            var job = JsonDocument.Parse(await http.GetStringAsync($"/api/imports/{id}")).RootElement;
            if (job.GetProperty("status").GetString() != "done") continue;
            if (job.GetProperty("failed").GetInt64() > 0) throw new InvalidOperationException("import rows failed: " + job.GetProperty("errors"));
            return;
        }
    }
}

using Trading.Tests.Support;

namespace Trading.Tests;

/// <summary>
/// Heavy-pollution alerts against Azurite and the real server (api.md v3, issue 18): plans and rules recorded, an alert
/// declared, listed, summarised and exported as CSV, lifted; scope (an official of another region, a firm's own measures);
/// a B firm upgraded to A during the alert takes <c>self</c> at once; overlapping alerts (the events: <see cref="AlertEventsTests"/>).
/// </summary>
public sealed class AlertsApiTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private static string Iso(DateTimeOffset t) => t.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd'T'HH:mm:sszzz");

    private async Task<string> FirmAsync(string region, string industry, string grade, string validUntil = "2027-12-31")
    {
        var code = ApiFixture.NewCreditCode(region);
        (await api.Admin.PutJsonAsync($"/api/enterprises/{code}", new
        {
            name = "应急测试 " + code.Value[^6..], region, industry, grade, gradeValidUntil = validUntil, positiveList = false, creditRating = "Blue",
        })).Expect(201);
        return code.Value;
    }

    private static object SeedPlan(bool guaranteeList = false) => new
    {
        guaranteeList,
        orange = new { measure = "limit", processes = "喷涂生产线", dailyOutputCap = 9200, dailyOutputCut = 6400, unit = "件", emissionCuts = new { VOCs = 0.05m } },
        red = new { measure = "stop", processes = "喷涂生产线", emissionCuts = new { VOCs = 0.09m } },
    };

    [Fact]
    public async Task Declare_list_summary_csv_scope_upgrade_and_lift()
    {
        // Region 1403: a B coating firm with its own plan, an A firm, a guarantee-list firm without a plan, a cement firm under
        // rules at 14 and 1403 (the longer prefix wins), a furniture firm with nothing (noPlan), an expired A (counts as ungraded).
        var planned = await FirmAsync("140301", "IndustrialCoating", "B");
        var gradeA = await FirmAsync("140301", "Furniture", "A");
        var guarantee = await FirmAsync("140302", "Glass", "B");
        var cement = await FirmAsync("140302", "Cement", "C");
        var bare = await FirmAsync("140303", "Furniture", "D");
        var expiredA = await FirmAsync("140303", "Cement", "A", validUntil: "2024-12-31");
        var official = await api.IssueKeyAsync("official", "1403");
        var otherOfficial = await api.IssueKeyAsync("official", "1404");
        var firmKey = await api.IssueKeyAsync("enterprise", planned);
        using var off = api.Server.Client(official);
        using var other = api.Server.Client(otherOfficial);
        using var firm = api.Server.Client(firmKey);

        var plan = (await off.PutJsonAsync($"/api/enterprises/{planned}/emergency-plan", SeedPlan())).Expect(201).Body;
        Assert.Equal(9200m, plan["orange"]!["dailyOutputCap"]!.Value<decimal>());
        Assert.Equal(0.05m, plan["orange"]!["emissionCuts"]!["VOCs"]!.Value<decimal>());
        (await off.PutJsonAsync($"/api/enterprises/{planned}/emergency-plan", SeedPlan())).Expect(200);
        (await off.PutJsonAsync($"/api/enterprises/{guarantee}/emergency-plan", new { guaranteeList = true })).Expect(201);
        (await other.PutJsonAsync($"/api/enterprises/{planned}/emergency-plan", SeedPlan())).Expect(404);
        (await off.PutJsonAsync($"/api/enterprises/{planned}/emergency-plan", new { orange = new { measure = "half" } })).Expect(400);
        Assert.Equal("stop", (await firm.GetJsonAsync($"/api/enterprises/{planned}/emergency-plan")).Expect(200).Body["red"]!["measure"]!.Value<string>());
        (await firm.GetJsonAsync($"/api/enterprises/{gradeA}/emergency-plan")).Expect(404);

        object Rule(string industry, string grade, object orange) =>
            new { industry, grade, yellow = new { measure = "none" }, orange, red = new { measure = "stop" } };
        (await api.Admin.PutJsonAsync("/api/emergency-rules/14", new { rules = new[] { Rule("Cement", "C", new { measure = "limit", cutPct = 50 }) } })).Expect(201);
        (await off.PutJsonAsync("/api/emergency-rules/1403", new { rules = new[] { Rule("Cement", "C", new { measure = "stop" }), Rule("Cement", "Ungraded", new { measure = "limit", cutPct = 30 }) } })).Expect(201);
        (await off.PutJsonAsync("/api/emergency-rules/14", new { rules = Array.Empty<object>() })).Expect(403);
        Assert.Equal(2, ((JArray)(await other.GetJsonAsync("/api/emergency-rules/1403")).Expect(200).Body["rules"]!).Count);

        var now = DateTimeOffset.UtcNow;
        var body = new { region = "1403", level = "orange", startsAt = Iso(now.AddMinutes(-5)), endsAt = Iso(now.AddDays(2)), reason = "预计出现重污染天气过程" };
        (await off.PostJsonAsync("/api/alerts", body)).Expect(400);
        (await off.PostJsonAsync("/api/alerts", body with { endsAt = Iso(now.AddDays(31)) }, ApiFixture.Key("too-long"))).Expect(422);
        (await other.PostJsonAsync("/api/alerts", body, ApiFixture.Key("elsewhere"))).Expect(403);
        var declared = (await off.PostJsonAsync("/api/alerts", body, ApiFixture.Key("orange-1403"))).Expect(201);
        var alert = declared.Body;
        var id = alert["id"]!.Value<string>()!;
        Assert.Equal("active", alert["status"]!.Value<string>());
        Assert.Equal($"/api/alerts/{id}", declared.Header("Location"));
        var replay = (await off.PostJsonAsync("/api/alerts", body, ApiFixture.Key("orange-1403"))).Expect(201);
        Assert.Equal("true", replay.Header("Idempotent-Replayed"));
        Assert.Equal(id, replay.Body["id"]!.Value<string>());

        Assert.Contains((await firm.GetJsonAsync("/api/alerts?region=140301")).Expect(200).Body["items"]!, a => a["id"]!.Value<string>() == id);
        Assert.Contains((await off.GetJsonAsync("/api/alerts?region=14&status=active")).Expect(200).Body["items"]!, a => a["id"]!.Value<string>() == id);
        Assert.DoesNotContain((await off.GetJsonAsync("/api/alerts?region=1404")).Expect(200).Body["items"]!, a => a["id"]!.Value<string>() == id);
        Assert.Equal("orange", (await firm.GetJsonAsync($"/api/alerts/{id}")).Expect(200).Body["level"]!.Value<string>());

        var summary = (await off.GetJsonAsync($"/api/alerts/{id}/summary")).Expect(200).Body;
        Assert.Equal(6, summary["firms"]!.Value<int>());
        Assert.Equal(2, summary["byMeasure"]!["self"]!.Value<int>());
        Assert.Equal(2, summary["byMeasure"]!["limit"]!.Value<int>());
        Assert.Equal(1, summary["byMeasure"]!["stop"]!.Value<int>());
        Assert.Equal(1, summary["byMeasure"]!["noPlan"]!.Value<int>());
        Assert.Equal(0.05m, summary["emissionCuts"]!["VOCs"]!.Value<decimal>());
        Assert.Equal("橙色预警：涉及企业6家，其中自主减排2家、限产2家、停产1家、未制定措施1家；预计每日减排VOCs 0.05吨", summary["summary"]!.Value<string>());

        var items = new List<JObject>();
        string? token = null;
        do
        {
            var page = (await off.GetJsonAsync($"/api/alerts/{id}/measures?pageSize=4" + (token is null ? "" : "&continuationToken=" + Uri.EscapeDataString(token)))).Expect(200).Body;
            items.AddRange(page["items"]!.Cast<JObject>());
            token = page["continuationToken"]!.Type == JTokenType.Null ? null : page["continuationToken"]!.Value<string>();
        }
        while (token is not null);
        Assert.Equal(6, items.Select(i => i["creditCode"]!.Value<string>()).Distinct().Count());
        string MeasureOf(string code) => items.Single(i => i["creditCode"]!.Value<string>() == code)["measure"]!.Value<string>()!;
        Assert.Equal(["limit", "self", "self", "stop", "noPlan", "limit"], new[] { planned, gradeA, guarantee, cement, bare, expiredA }.Select(MeasureOf));
        var expired = items.Single(i => i["creditCode"]!.Value<string>() == expiredA);
        Assert.Equal("Ungraded", expired["grade"]!.Value<string>());
        Assert.Equal(30m, expired["cutPct"]!.Value<decimal>());
        Assert.Contains("过期", expired["why"]!.Value<string>());
        var selfOnly = (await off.GetJsonAsync($"/api/alerts/{id}/measures?measure=self")).Expect(200).Body["items"]!.Value<JArray>()!;
        Assert.Equal(new[] { gradeA, guarantee }.Order(StringComparer.Ordinal), selfOnly.Select(i => i["creditCode"]!.Value<string>()!).Order(StringComparer.Ordinal));
        (await off.GetJsonAsync($"/api/alerts/{id}/measures?measure=maybe")).Expect(400);

        var csv = await off.GetAsync($"/api/alerts/{id}/measures?format=csv");
        Assert.Equal(200, (int)csv.StatusCode);
        Assert.Equal("text/csv", csv.Content.Headers.ContentType!.MediaType);
        var bytes = await csv.Content.ReadAsByteArrayAsync();
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes[..3]);
        var lines = System.Text.Encoding.UTF8.GetString(bytes[3..]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("统一社会信用代码", lines[0]);
        Assert.Equal(7, lines.Length);
        var plannedLine = Assert.Single(lines, l => l.StartsWith(planned, StringComparison.Ordinal));
        Assert.True(plannedLine.Contains(",限产,", StringComparison.Ordinal) && plannedLine.Contains(",9200,6400,件,", StringComparison.Ordinal), plannedLine);

        // Scope: another region's official sees no list, summary or lift; a firm sees its own measures only.
        (await other.GetJsonAsync($"/api/alerts/{id}/summary")).Expect(404);
        (await other.GetJsonAsync($"/api/alerts/{id}/measures")).Expect(404);
        (await other.PostJsonAsync($"/api/alerts/{id}/lift", new { })).Expect(404);
        (await firm.GetJsonAsync($"/api/alerts/{id}/summary")).Expect(403);
        (await firm.GetJsonAsync($"/api/enterprises/{gradeA}/measures")).Expect(404);
        var mine = (await firm.GetJsonAsync($"/api/enterprises/{planned}/measures")).Expect(200).Body["items"]!.Value<JArray>()!;
        var current = Assert.Single(mine);
        Assert.True(current["follows"]!.Value<bool>());
        Assert.Equal("limit", current["measure"]!.Value<string>());
        Assert.Equal(9200m, current["dailyOutputCap"]!.Value<decimal>());
        Assert.Equal("件", current["unit"]!.Value<string>());
        Assert.Equal(id, current["alert"]!["id"]!.Value<string>());

        // 升A during the alert: the firm's measure is self at once, and the summary counts it so.
        (await api.Admin.PutJsonAsync($"/api/enterprises/{planned}", new
        {
            name = "应急测试 " + planned[^6..], region = "140301", industry = "IndustrialCoating", grade = "A", gradeValidUntil = "2027-12-31", positiveList = false, creditRating = "Blue",
        })).Expect(200);
        Assert.Equal("self", Assert.Single((await firm.GetJsonAsync($"/api/enterprises/{planned}/measures")).Expect(200).Body["items"]!)["measure"]!.Value<string>());
        var after = (await off.GetJsonAsync($"/api/alerts/{id}/summary")).Expect(200).Body;
        Assert.Equal(3, after["byMeasure"]!["self"]!.Value<int>());
        Assert.Equal(1, after["byMeasure"]!["limit"]!.Value<int>());
        Assert.Equal(0m, after["emissionCuts"]!["VOCs"]!.Value<decimal>());

        var lifted = (await off.PostJsonAsync($"/api/alerts/{id}/lift", new { })).Expect(200).Body;
        Assert.Equal("ended", lifted["status"]!.Value<string>());
        Assert.True(lifted["lifted"]!.Value<bool>());
        var again = (await off.PostJsonAsync($"/api/alerts/{id}/lift", new { })).Expect(200).Body;
        Assert.Equal(lifted.ToString(), again.ToString());
        Assert.Empty((await firm.GetJsonAsync($"/api/enterprises/{planned}/measures")).Expect(200).Body["items"]!);
        Assert.Contains((await off.GetJsonAsync("/api/alerts?region=1403&status=ended")).Expect(200).Body["items"]!, a => a["id"]!.Value<string>() == id);
    }

    [Fact]
    public async Task Overlapping_alerts_the_firm_follows_the_highest_in_force_and_sees_the_scheduled_one()
    {
        var code = await FirmAsync("140501", "IndustrialCoating", "B");
        (await api.Admin.PutJsonAsync($"/api/enterprises/{code}/emergency-plan", SeedPlan())).Expect(201);
        var now = DateTimeOffset.UtcNow;
        var orange = (await api.Admin.PostJsonAsync("/api/alerts", new { region = "1405", level = "orange", startsAt = Iso(now.AddMinutes(-1)), endsAt = Iso(now.AddDays(1)), reason = "橙色" },
            ApiFixture.Key("o-1405"))).Expect(201).Body["id"]!.Value<string>();
        var red = (await api.Admin.PostJsonAsync("/api/alerts", new { region = "140501", level = "red", startsAt = Iso(now.AddMinutes(-1)), endsAt = Iso(now.AddHours(3)), reason = "红色" },
            ApiFixture.Key("r-140501"))).Expect(201).Body["id"]!.Value<string>();
        var scheduled = (await api.Admin.PostJsonAsync("/api/alerts", new { region = "14", level = "yellow", startsAt = Iso(now.AddDays(2)), endsAt = Iso(now.AddDays(3)), reason = "黄色" },
            ApiFixture.Key("y-14"))).Expect(201).Body;
        Assert.Equal("scheduled", scheduled["status"]!.Value<string>());
        var items = (await api.Admin.GetJsonAsync($"/api/enterprises/{code}/measures")).Expect(200).Body["items"]!.Value<JArray>()!;
        Assert.Equal(3, items.Count);
        var follows = Assert.Single(items, i => i["follows"]!.Value<bool>());
        Assert.Equal(red, follows["alert"]!["id"]!.Value<string>());
        Assert.Equal("stop", follows["measure"]!.Value<string>());
        Assert.Equal("limit", items.Single(i => i["alert"]!["id"]!.Value<string>() == orange)["measure"]!.Value<string>());
        Assert.Equal("noPlan", items.Single(i => i["alert"]!["id"]!.Value<string>() == scheduled["id"]!.Value<string>())["measure"]!.Value<string>());
    }
}

using Azure.Data.Tables;
using Trading.Tests.Support;

namespace Trading.Tests;

public sealed class AccessTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task A_missing_or_unknown_key_is_401_and_health_needs_none()
    {
        using var anonymous = api.Server.Client();
        var missing = (await anonymous.GetJsonAsync("/api/enterprises")).Expect(401);
        Assert.Equal("application/problem+json", missing.ContentType?.MediaType);
        Assert.NotNull(missing.Header("WWW-Authenticate"));
        using var unknown = api.Server.Client("trk_not-a-key");
        (await unknown.GetJsonAsync("/api/enterprises")).Expect(401);
        (await anonymous.GetJsonAsync("/api/health")).Expect(200);
        Assert.Equal("ok", (await anonymous.GetJsonAsync("/api/health")).Body["status"]!.Value<string>());
    }

    [Fact]
    public async Task Only_admin_issues_keys_and_keys_are_stored_hashed()
    {
        var key = await api.IssueKeyAsync("official", "1310");
        Assert.StartsWith("trk_", key);
        using var official = api.Server.Client(key);
        (await official.PostJsonAsync("/api/keys", new { role = "admin", subject = "" })).Expect(403);
        (await api.Admin.PostJsonAsync("/api/keys", new { role = "official", subject = "131" })).Expect(400);

        var rows = new List<string>();
        await foreach (var e in api.Storage.Keys.QueryAsync<TableEntity>())
            rows.Add(e.PartitionKey + e.RowKey + string.Join("", e.Select(p => p.Value)));
        Assert.NotEmpty(rows);
        Assert.DoesNotContain(rows, r => r.Contains(key, StringComparison.Ordinal) || r.Contains(key[4..], StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_firm_stored_by_the_previous_version_is_scope_checked_moved_and_never_duplicated()
    {
        // The previous version kept a firm's row under the row key "profile": move a firm's row there.
        var code = await api.RegisterEnterpriseAsync("130100");
        var row = (await api.Storage.Enterprises.GetEntityAsync<Azure.Data.Tables.TableEntity>(code.Value, code.Value)).Value;
        var legacy = new Azure.Data.Tables.TableEntity(code.Value, "profile");
        foreach (var (k, v) in row) if (k is not ("PartitionKey" or "RowKey" or "odata.etag" or "Timestamp")) legacy[k] = v;
        await api.Storage.Enterprises.AddEntityAsync(legacy);
        await api.Storage.Enterprises.DeleteEntityAsync(code.Value, code.Value);
        (await api.Admin.GetJsonAsync($"/api/enterprises/{code}")).Expect(200);

        var enterprise = new { name = "甲", region = "131024", industry = "Cement", grade = "A", gradeValidUntil = "2026-12-31", positiveList = false, creditRating = "Green" };
        using var official = api.Server.Client(await api.IssueKeyAsync("official", "1310"));
        (await official.PutJsonAsync($"/api/enterprises/{code}", enterprise)).Expect(403);
        (await api.Admin.PutJsonAsync($"/api/enterprises/{code}", enterprise)).Expect(200);
        var rows = new List<string>();
        await foreach (var r in api.Storage.Enterprises.QueryAsync<Azure.Data.Tables.TableEntity>(e => e.PartitionKey == code.Value)) rows.Add(r.RowKey);
        // One firm row; the register's head and audit rows (created, then replaced) sort after it.
        Assert.Equal([code.Value], rows.Where(r => string.CompareOrdinal(r, "~") < 0));
        Assert.Equal(["~audit:000000000001", "~audit:000000000002", "~head"], rows.Where(r => string.CompareOrdinal(r, "~") >= 0));
        Assert.False((await api.Storage.EnterprisesByRegion.GetEntityIfExistsAsync<Azure.Data.Tables.TableEntity>("130100", code.Value)).HasValue);
        Assert.True((await api.Storage.EnterprisesByRegion.GetEntityIfExistsAsync<Azure.Data.Tables.TableEntity>("131024", code.Value)).HasValue);
    }

    [Fact]
    public async Task An_official_works_inside_its_prefix_only()
    {
        var official = api.Server.Client(await api.IssueKeyAsync("official", "1310"));
        var inScope = ApiFixture.NewCreditCode();
        var outOfScope = await api.RegisterEnterpriseAsync("130100");
        var enterprise = new { name = "甲", region = "131024", industry = "Cement", grade = "A", gradeValidUntil = "2026-12-31", positiveList = false, creditRating = "Green" };
        (await official.PutJsonAsync($"/api/enterprises/{inScope}", enterprise)).Expect(201);
        (await official.PutJsonAsync($"/api/enterprises/{inScope}", enterprise)).Expect(200);
        (await official.PutJsonAsync($"/api/enterprises/{ApiFixture.NewCreditCode()}", enterprise with { region = "130100" })).Expect(403);
        // Moving a firm of another region into one's own is refused.
        (await official.PutJsonAsync($"/api/enterprises/{outOfScope}", enterprise)).Expect(403);
        (await official.GetJsonAsync($"/api/enterprises/{inScope}")).Expect(200);
        (await official.GetJsonAsync($"/api/enterprises/{outOfScope}")).Expect(404);
        (await official.PostJsonAsync("/api/allocations", new { holder = "reserve", region = "130100", pollutant = "SO2", quantity = 1m, reference = "x" }, ApiFixture.Key("out-of-scope"))).Expect(403);
        (await official.GetJsonAsync("/api/trades?region=13")).Expect(403);
        (await official.GetJsonAsync("/api/trades")).Expect(200);
        (await official.GetJsonAsync("/api/enterprises?region=1301")).Expect(403);
        var listed = (await official.GetJsonAsync("/api/enterprises")).Expect(200).Body;
        Assert.All((JArray)listed["items"]!, e => Assert.StartsWith("1310", e["region"]!.Value<string>()));
        Assert.Contains((JArray)listed["items"]!, e => e["creditCode"]!.Value<string>() == inScope.Value);
    }

    [Fact]
    public async Task An_enterprise_sees_and_trades_only_as_itself()
    {
        var me = await api.RegisterEnterpriseAsync("131000");
        var other = await api.RegisterEnterpriseAsync("131000");
        var third = await api.RegisterEnterpriseAsync("131000");
        await api.AllocateAsync(other.Value, 5m, "131000", "TP");
        await api.AllocateAsync(third.Value, 5m, "131000", "TP");
        using var client = api.Server.Client(await api.IssueKeyAsync("enterprise", me.Value));

        (await client.GetJsonAsync($"/api/enterprises/{me}")).Expect(200);
        (await client.GetJsonAsync($"/api/enterprises/{other}")).Expect(404);
        (await client.GetJsonAsync($"/api/enterprises/{other}/holdings")).Expect(404);
        (await client.GetJsonAsync("/api/enterprises")).Expect(403);
        (await client.PostJsonAsync("/api/trades", ApiFixture.Trade(third.Value, other.Value, 1m, pollutant: "TP"), ApiFixture.Key("x"))).Expect(403);
        // Even as the buyer, an enterprise records nothing on its own: it proposes, and the seller confirms.
        var refused = (await client.PostJsonAsync("/api/trades", ApiFixture.Trade(other.Value, me.Value, 1m, pollutant: "TP"), ApiFixture.Key("mine"))).Expect(403);
        Assert.Contains("/api/trade-proposals", refused.Body["detail"]!.Value<string>());
        (await client.PostJsonAsync("/api/trade-proposals", ApiFixture.Proposal(third.Value, other.Value, 1m, pollutant: "TP"), ApiFixture.Key("x"))).Expect(403);
        var proposal = (await client.PostJsonAsync("/api/trade-proposals", ApiFixture.Proposal(other.Value, me.Value, 1m, pollutant: "TP"), ApiFixture.Key("mine"))).Expect(201).Body;
        using var otherClient = api.Server.Client(await api.IssueKeyAsync("enterprise", other.Value));
        var bought = (JObject)(await otherClient.PostJsonAsync($"/api/trade-proposals/{proposal["id"]}/confirm", "{}")).Expect(200).Body["trade"]!;
        (await api.Admin.PostJsonAsync("/api/trades", ApiFixture.Trade(third.Value, other.Value, 1m, pollutant: "TP"), ApiFixture.Key("theirs"))).Expect(201);
        var theirs = (await api.Admin.GetJsonAsync("/api/trades?region=131000&pollutant=TP")).Body["items"]!.First(t => t["buyer"]!.Value<string>() == other.Value);

        (await client.GetJsonAsync($"/api/trades/{bought["id"]}")).Expect(200);
        (await client.GetJsonAsync($"/api/trades/{theirs["id"]}")).Expect(404);
        var mine = (await client.GetJsonAsync("/api/trades")).Expect(200).Body;
        var item = Assert.Single((JArray)mine["items"]!);
        Assert.Equal(bought["id"]!.Value<string>(), item["id"]!.Value<string>());
        (await client.GetJsonAsync($"/api/trades?party={other}")).Expect(403);
        (await client.PostJsonAsync("/api/allocations", new { holder = me.Value, region = "131000", pollutant = "TP", quantity = 1m, reference = "x" }, ApiFixture.Key("a"))).Expect(403);
    }

    [Fact]
    public async Task A_bank_cannot_trade_or_read_enterprises()
    {
        using var bank = api.Server.Client(await api.IssueKeyAsync("bank", "ICBC-LF"));
        (await bank.GetJsonAsync("/api/enterprises")).Expect(403);
        (await bank.GetJsonAsync("/api/trades")).Expect(403);
        (await bank.PostJsonAsync("/api/trades", ApiFixture.Trade(ApiFixture.NewCreditCode().Value, ApiFixture.NewCreditCode().Value, 1m), ApiFixture.Key("b"))).Expect(403);
    }
}

public sealed class EnterprisesApiTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task Put_creates_then_replaces_and_get_returns_it()
    {
        var code = ApiFixture.NewCreditCode();
        var body = new { name = "廊坊某涂装有限公司", region = "131024", industry = "IndustrialCoating", grade = "B", gradeValidUntil = "2025-12-31", positiveList = true, creditRating = "Blue" };
        var created = (await api.Admin.PutJsonAsync($"/api/enterprises/{code}", body)).Expect(201);
        Assert.Equal($"/api/enterprises/{code}", created.Header("Location"));
        var replaced = (await api.Admin.PutJsonAsync($"/api/enterprises/{code}", body with { grade = "A", region = "131025" })).Expect(200).Body;
        Assert.Equal("A", replaced["grade"]!.Value<string>());
        var got = (await api.Admin.GetJsonAsync($"/api/enterprises/{code}")).Expect(200).Body;
        Assert.Equal("廊坊某涂装有限公司", got["name"]!.Value<string>());
        Assert.Equal("131025", got["region"]!.Value<string>());
        Assert.Equal("2025-12-31", got["gradeValidUntil"]!.Value<string>());
        // Moved out of 131024: no longer listed there, listed in 131025.
        Assert.DoesNotContain((JArray)(await api.Admin.GetJsonAsync("/api/enterprises?region=131024")).Body["items"]!, e => e["creditCode"]!.Value<string>() == code.Value);
        Assert.Contains((JArray)(await api.Admin.GetJsonAsync("/api/enterprises?region=131025")).Body["items"]!, e => e["creditCode"]!.Value<string>() == code.Value);
        (await api.Admin.GetJsonAsync($"/api/enterprises/{ApiFixture.NewCreditCode()}")).Expect(404);
    }

    [Fact]
    public async Task Lists_page_with_continuation_tokens_and_filter_by_region_and_grade()
    {
        var expected = new HashSet<string>();
        for (var i = 0; i < 7; i++) expected.Add((await api.RegisterEnterpriseAsync("130200", grade: i % 2 == 0 ? "A" : "C")).Value);
        await api.RegisterEnterpriseAsync("130300");

        var seen = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var path = "/api/enterprises?region=1302&pageSize=3" + (token is null ? "" : "&continuationToken=" + Uri.EscapeDataString(token));
            var page = (await api.Admin.GetJsonAsync(path)).Expect(200).Body;
            Assert.True(((JArray)page["items"]!).Count <= 3);
            seen.AddRange(page["items"]!.Select(e => e["creditCode"]!.Value<string>()!));
            token = page["continuationToken"]!.Value<string?>();
            pages++;
        } while (token is not null && pages < 10);
        Assert.Equal(expected.Order(), seen.Order());
        Assert.True(pages >= 3);

        var graded = (await api.Admin.GetJsonAsync("/api/enterprises?region=1302&grade=A")).Expect(200).Body;
        Assert.Equal(4, ((JArray)graded["items"]!).Count);
    }
}

public sealed class AuditTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task Every_accepted_write_is_in_the_audit_trail_with_who_and_what_and_refusals_are_not()
    {
        using var official = api.Server.Client(await api.IssueKeyAsync("official", "1310"));
        var seller = ApiFixture.NewCreditCode();
        var buyer = await api.RegisterEnterpriseAsync("131000");
        (await official.PutJsonAsync($"/api/enterprises/{seller}", new { name = "甲", region = "131000", industry = "Other", creditRating = "Green" })).Expect(201);
        await api.AllocateAsync(seller.Value, 5m, "131000", "COD");
        var at = DateTimeOffset.UtcNow.AddMinutes(-1).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'");
        var trade = (await official.PostJsonAsync("/api/trades", ApiFixture.Trade(seller.Value, buyer.Value, 1m, 500m, 1, "131000", "COD", at), ApiFixture.Key("audited"))).Expect(201).Body;
        var replay = (await official.PostJsonAsync("/api/trades", ApiFixture.Trade(seller.Value, buyer.Value, 1m, 500m, 1, "131000", "COD", at), ApiFixture.Key("audited"))).Expect(201);
        Assert.Equal("true", replay.Header("Idempotent-Replayed"));
        (await official.PostJsonAsync("/api/trades", ApiFixture.Trade(seller.Value, buyer.Value, 99m, 500m, 1, "131000", "COD"), ApiFixture.Key("refused"))).Expect(409);

        var audit = api.Server.Services.GetRequiredService<Trading.Infra.AuditTrail>();
        await audit.CopyAsync(CancellationToken.None);
        var today = DateOnly.FromDateTime(DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(8)).DateTime);
        var lines = (await audit.ReadDayAsync(today, CancellationToken.None)).Concat(await audit.ReadDayAsync(today.AddDays(-1), CancellationToken.None))
            .Select(l => Newtonsoft.Json.JsonConvert.DeserializeObject<JObject>(l, new Newtonsoft.Json.JsonSerializerSettings { DateParseHandling = Newtonsoft.Json.DateParseHandling.None })!).ToList();
        Assert.Contains(lines, l => l["action"]!.Value<string>() == "enterprise.created" && l["who"]!.Value<string>() == "official:1310" && l["subject"]!.Value<string>() == seller.Value);
        Assert.Contains(lines, l => l["action"]!.Value<string>() == "allocation.recorded" && l["who"]!.Value<string>() == "admin");
        Assert.Single(lines, l => l["action"]!.Value<string>() == "trade.recorded" && l["subject"]!.Value<string>() == trade["id"]!.Value<string>());
        Assert.Contains(lines, l => l["action"]!.Value<string>() == "key.issued" && l["details"]!["subject"]!.Value<string>() == "1310");
        Assert.All(lines, l => Assert.EndsWith("+08:00", l["at"]!.Value<string>()));
        Assert.DoesNotContain(lines, l => (l["details"] as JObject)?["quantity"]?.Value<decimal>() == 99m);
    }
}

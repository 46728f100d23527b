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
        Assert.Equal([$"~audit:{code.Value}:000000000001", $"~audit:{code.Value}:000000000002", $"~head:{code.Value}"], rows.Where(r => string.CompareOrdinal(r, "~") >= 0));
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

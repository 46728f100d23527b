using System.Diagnostics;
using Trading.Tests.Support;

namespace Trading.Tests;

public sealed class KeyTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task Keys_have_ids_are_listed_without_the_key_and_expire()
    {
        var issued = (await api.Admin.PostJsonAsync("/api/keys", new { role = "bank", subject = "ICBC-LF" })).Expect(201);
        var id = issued.Body["id"]!.Value<string>()!;
        Assert.Equal($"/api/keys/{id}", issued.Header("Location"));
        var expiresAt = DateTimeOffset.Parse(issued.Body["expiresAt"]!.Value<string>()!);
        Assert.InRange(expiresAt - DateTimeOffset.UtcNow, TimeSpan.FromDays(364), TimeSpan.FromDays(366));

        var listed = new List<JToken>();
        string? token = null;
        do
        {
            var page = (await api.Admin.GetJsonAsync("/api/keys?pageSize=2" + (token is null ? "" : "&continuationToken=" + token))).Expect(200).Body;
            listed.AddRange((JArray)page["items"]!);
            token = page["continuationToken"]?.Value<string>();
        } while (token is not null);
        var mine = Assert.Single(listed, k => k["id"]!.Value<string>() == id);
        Assert.Equal("bank", mine["role"]!.Value<string>());
        Assert.Null(mine["revokedAt"]!.Value<string>());
        Assert.DoesNotContain(listed, k => k.ToString().Contains(issued.Body["key"]!.Value<string>()!, StringComparison.Ordinal));

        // A key that expires soon works until then, and then gets 401.
        var shortLived = (await api.Admin.PostJsonAsync("/api/keys", new { role = "bank", subject = "ICBC-LF", expiresAt = DateTimeOffset.UtcNow.AddSeconds(2).ToString("yyyy-MM-dd'T'HH:mm:ss.fffK") })).Expect(201).Body;
        using var client = api.Server.Client(shortLived["key"]!.Value<string>());
        (await client.GetJsonAsync("/api/banks/ICBC-LF/products")).Expect(200);
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        Assert.Contains("expired", (await client.GetJsonAsync("/api/banks/ICBC-LF/products")).Expect(401).Body["detail"]!.Value<string>());
        (await api.Admin.PostJsonAsync("/api/keys", new { role = "bank", subject = "ICBC-LF", expiresAt = "2020-01-01T00:00:00Z" })).Expect(422);
        (await api.Admin.DeleteJsonAsync("/api/keys/knotakey")).Expect(404);
        using var bank = api.Server.Client(issued.Body["key"]!.Value<string>());
        (await bank.GetJsonAsync("/api/keys")).Expect(403);
    }

    [Fact]
    public async Task A_revoked_key_is_refused_on_every_instance_within_60_seconds()
    {
        await using var second = await api.StartServerAsync();
        var issued = (await api.Admin.PostJsonAsync("/api/keys", new { role = "official", subject = "1310" })).Expect(201).Body;
        var key = issued["key"]!.Value<string>()!;
        using var onFirst = api.Server.Client(key);
        using var onSecond = second.Client(key);
        // Both instances know the key (and hold it in their caches).
        (await onFirst.GetJsonAsync("/api/enterprises")).Expect(200);
        (await onSecond.GetJsonAsync("/api/enterprises")).Expect(200);

        var revoked = (await api.Admin.DeleteJsonAsync($"/api/keys/{issued["id"]}")).Expect(200).Body;
        Assert.NotNull(revoked["revokedAt"]!.Value<string>());
        Assert.Equal(revoked.ToString(), (await api.Admin.DeleteJsonAsync($"/api/keys/{issued["id"]}")).Expect(200).Body.ToString());
        var watch = Stopwatch.StartNew();
        int status;
        do
        {
            status = (await onSecond.GetJsonAsync("/api/enterprises")).Status;
            if (status == 200) await Task.Delay(500);
        } while (status == 200 && watch.Elapsed < TimeSpan.FromSeconds(70));
        Assert.Equal(401, status);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(60), $"refused after {watch.Elapsed}");
    }
}

public sealed class LedgerAdminTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task Two_concurrent_first_PUTs_of_one_enterprise_never_answer_500()
    {
        await using var second = await api.StartServerAsync();
        using var secondAdmin = second.Client(ApiFixture.AdminKey);
        for (var round = 0; round < 5; round++)
        {
            var code = ApiFixture.NewCreditCode();
            var body = new { name = "并发企业", region = "131024", industry = "Other", creditRating = "Green" };
            var replies = await Task.WhenAll(api.Admin.PutJsonAsync($"/api/enterprises/{code}", body), secondAdmin.PutJsonAsync($"/api/enterprises/{code}", body with { name = "并发企业二" }),
                api.Admin.PutJsonAsync($"/api/enterprises/{code}", body));
            Assert.All(replies, r => Assert.True(r.Status is 200 or 201, r.ToString()));
            Assert.Single(replies, r => r.Status == 201);
        }
    }

    [Fact]
    public async Task An_allocation_is_revoked_into_the_reserve_once_and_the_chain_verifies()
    {
        var firm = (await api.RegisterEnterpriseAsync("131000")).Value;
        var buyer = (await api.RegisterEnterpriseAsync("131000")).Value;
        var allocation = await api.AllocateAsync(firm, 12m, "131000", "TP");
        (await api.Admin.PostJsonAsync("/api/trades", ApiFixture.Trade(firm, buyer, 2m, 100m, 1, "131000", "TP", DateTimeOffset.UtcNow.AddMinutes(-1).ToString("yyyy-MM-dd'T'HH:mm:ssK")), ApiFixture.Key("tp"))).Expect(201);
        using var other = api.Server.Client(await api.IssueKeyAsync("official", "1301"));
        (await other.PostJsonAsync($"/api/allocations/{allocation["id"]}/revoke", new { reason = "closed" })).Expect(404);
        (await api.Admin.PostJsonAsync($"/api/allocations/{allocation["id"]}/revoke", new { })).Expect(400);

        var revoked = (await api.Admin.PostJsonAsync($"/api/allocations/{allocation["id"]}/revoke", new { reason = "企业关停" })).Expect(200).Body;
        Assert.Equal("revoked", revoked["status"]!.Value<string>());
        Assert.Equal(10m, revoked["revoked"]!["quantity"]!.Value<decimal>());
        Assert.Equal(revoked.ToString(), (await api.Admin.PostJsonAsync($"/api/allocations/{allocation["id"]}/revoke", new { reason = "again" })).Expect(200).Body.ToString());
        var rows = await api.MarketRowsAsync("131000-TP");
        Assert.Equal(0, rows.Single(r => r.RowKey == $"holding:{firm}").GetInt64("HeldGrams"));
        Assert.Equal(10_000_000, rows.Single(r => r.RowKey == "holding:reserve").GetInt64("HeldGrams"));

        var verify = (await api.Admin.GetJsonAsync("/api/markets/131000-TP/verify")).Expect(200).Body;
        Assert.True(verify["valid"]!.Value<bool>());
        Assert.Equal(1, verify["trades"]!.Value<long>());
        // Tamper with the trade row: the chain no longer verifies, and says where.
        var trade = rows.Single(r => r.RowKey == "trade:000000000001");
        trade["Grams"] = 3_000_000L;
        await api.Storage.Ledger.UpdateEntityAsync(trade, trade.ETag);
        var broken = (await api.Admin.GetJsonAsync("/api/markets/131000-TP/verify")).Expect(200).Body;
        Assert.False(broken["valid"]!.Value<bool>());
        Assert.Equal(1, broken["firstInvalidSequence"]!.Value<long>());
        (await other.GetJsonAsync("/api/markets/131000-TP/verify")).Expect(404);
    }
}

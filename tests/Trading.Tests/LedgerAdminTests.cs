using Trading.Tests.Support;

namespace Trading.Tests;

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

using Trading.Tests.Support;

namespace Trading.Tests;

public sealed class IdempotencyTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task Replaying_the_same_key_and_body_returns_the_first_trade_and_records_nothing_new()
    {
        var seller = await api.RegisterEnterpriseAsync();
        var buyer = await api.RegisterEnterpriseAsync();
        await api.AllocateAsync(seller.Value, 50m, region: "131002");
        var body = ApiFixture.Trade(seller.Value, buyer.Value, 5m, region: "131002");

        var first = (await api.Admin.PostJsonAsync("/api/trades", body, ApiFixture.Key("replay-1"))).Expect(201);
        var before = await api.SnapshotAsync();
        var again = (await api.Admin.PostJsonAsync("/api/trades", body, ApiFixture.Key("replay-1"))).Expect(201);

        Assert.Equal(first.Text, again.Text);
        Assert.Equal("true", again.Header("Idempotent-Replayed"));
        Assert.Equal(first.Header("Location"), again.Header("Location"));
        Assert.Equal(before, await api.SnapshotAsync());
        var sellerHeld = (await api.Admin.GetJsonAsync($"/api/enterprises/{seller}/holdings")).Array.Single()["held"]!.Value<decimal>();
        Assert.Equal(45m, sellerHeld);
    }

    [Fact]
    public async Task A_replay_with_other_formatting_of_the_same_values_is_still_a_replay()
    {
        var seller = await api.RegisterEnterpriseAsync();
        var buyer = await api.RegisterEnterpriseAsync();
        await api.AllocateAsync(seller.Value, 50m, region: "131003");
        const string template = """{{"region":"131003","pollutant":"SO2","seller":"{0}","buyer":"{1}","quantity":{2},"unitPrice":6000,"termYears":5,"method":"Agreement","tradedAt":"{3}"}}""";
        var first = (await api.Admin.PostJsonAsync("/api/trades", string.Format(template, seller, buyer, "5", "2024-06-30T23:30:00+08:00"), ApiFixture.Key("fmt"))).Expect(201);
        var again = (await api.Admin.PostJsonAsync("/api/trades", string.Format(template, seller, buyer, "5.000", "2024-06-30T15:30:00Z"), ApiFixture.Key("fmt"))).Expect(201);
        Assert.Equal(first.Text, again.Text);
        Assert.Equal("true", again.Header("Idempotent-Replayed"));
    }

    [Fact]
    public async Task The_same_key_with_another_body_is_refused_with_422_and_changes_nothing()
    {
        var seller = await api.RegisterEnterpriseAsync();
        var buyer = await api.RegisterEnterpriseAsync();
        await api.AllocateAsync(seller.Value, 50m, region: "131022");
        await api.AllocateAsync(seller.Value, 50m, region: "131023");
        (await api.Admin.PostJsonAsync("/api/trades", ApiFixture.Trade(seller.Value, buyer.Value, 5m, region: "131022"), ApiFixture.Key("reuse"))).Expect(201);
        var before = await api.SnapshotAsync();

        var sameMarket = (await api.Admin.PostJsonAsync("/api/trades", ApiFixture.Trade(seller.Value, buyer.Value, 6m, region: "131022"), ApiFixture.Key("reuse"))).Expect(422);
        var otherMarket = (await api.Admin.PostJsonAsync("/api/trades", ApiFixture.Trade(seller.Value, buyer.Value, 5m, region: "131023"), ApiFixture.Key("reuse"))).Expect(422);

        Assert.Contains("Idempotency-Key", sameMarket.Body["detail"]!.Value<string>());
        Assert.Equal("application/problem+json", otherMarket.ContentType?.MediaType);
        Assert.Equal(before, await api.SnapshotAsync());
    }

    [Fact]
    public async Task Two_callers_may_use_the_same_key_without_colliding()
    {
        var seller = await api.RegisterEnterpriseAsync();
        var buyer = await api.RegisterEnterpriseAsync();
        await api.AllocateAsync(seller.Value, 50m, region: "131025");
        using var langfang = api.Server.Client(await api.IssueKeyAsync("official", "1310"));
        using var hebei = api.Server.Client(await api.IssueKeyAsync("official", "13"));

        var a = (await langfang.PostJsonAsync("/api/trades", ApiFixture.Trade(seller.Value, buyer.Value, 5m, region: "131025"), ApiFixture.Key("order-1"))).Expect(201);
        var b = (await hebei.PostJsonAsync("/api/trades", ApiFixture.Trade(seller.Value, buyer.Value, 7m, region: "131025"), ApiFixture.Key("order-1"))).Expect(201);
        Assert.NotEqual(a.Body["id"]!.Value<string>(), b.Body["id"]!.Value<string>());
        Assert.Null(b.Header("Idempotent-Replayed"));
    }

    [Fact]
    public async Task Concurrent_replays_of_one_key_record_one_trade()
    {
        var seller = await api.RegisterEnterpriseAsync();
        var buyer = await api.RegisterEnterpriseAsync();
        await api.AllocateAsync(seller.Value, 50m, region: "131026");
        var body = ApiFixture.Trade(seller.Value, buyer.Value, 1m, region: "131026");
        var replies = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => api.Admin.PostJsonAsync("/api/trades", body, ApiFixture.Key("burst"))));
        Assert.All(replies, r => r.Expect(201));
        Assert.Single(replies.Select(r => r.Body["id"]!.Value<string>()).Distinct());
        Assert.Equal(9, replies.Count(r => r.Header("Idempotent-Replayed") == "true"));
        var rows = await api.MarketRowsAsync("131026-SO2");
        Assert.Single(rows, r => r.RowKey.StartsWith("trade:", StringComparison.Ordinal));
    }
}

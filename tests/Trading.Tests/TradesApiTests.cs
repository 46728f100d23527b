using Newtonsoft.Json.Linq;
using Trading.Tests.Support;

namespace Trading.Tests;

public sealed class TradesApiTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task A_trade_moves_rights_records_amount_sequence_and_location()
    {
        var seller = await api.RegisterEnterpriseAsync();
        var buyer = await api.RegisterEnterpriseAsync();
        await api.AllocateAsync(seller.Value, 100m, region: "131001");

        var reply = await api.Admin.PostJsonAsync("/api/trades",
            ApiFixture.Trade(seller.Value, buyer.Value, 8.074m, 6000m, 5, region: "131001"), ApiFixture.Key("t-1"));

        reply.Expect(201);
        var trade = reply.Body;
        Assert.Equal(242220.00m, trade["amount"]!.Value<decimal>());
        Assert.Equal("242220.00", trade["amount"]!.ToString(Newtonsoft.Json.Formatting.None));
        Assert.Equal(1, trade["sequence"]!.Value<long>());
        Assert.Equal($"/api/trades/{trade["id"]}", reply.Header("Location"));
        Assert.Equal(new string('0', 64), trade["previousHash"]!.Value<string>());
        Assert.Null(reply.Header("Idempotent-Replayed"));

        var holdings = (await api.Admin.GetJsonAsync($"/api/enterprises/{buyer}/holdings")).Expect(200).Array;
        var held = Assert.Single(holdings);
        Assert.Equal(8.074m, held["held"]!.Value<decimal>());
        Assert.Equal(8.074m, held["available"]!.Value<decimal>());
        var sellerHeld = (await api.Admin.GetJsonAsync($"/api/enterprises/{seller}/holdings")).Expect(200).Array.Single();
        Assert.Equal(91.926m, sellerHeld["held"]!.Value<decimal>());

        var fetched = (await api.Admin.GetJsonAsync(reply.Header("Location")!)).Expect(200).Body;
        Assert.True(JToken.DeepEquals(trade, fetched));
    }
}

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

public sealed class OversellAndMonthTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task Oversell_is_refused_with_409_and_available_quantity_and_changes_nothing()
    {
        var seller = await api.RegisterEnterpriseAsync();
        var buyer = await api.RegisterEnterpriseAsync();
        await api.AllocateAsync(seller.Value, 10.5m, region: "131028");
        var before = await api.SnapshotAsync();

        var reply = (await api.Admin.PostJsonAsync("/api/trades", ApiFixture.Trade(seller.Value, buyer.Value, 10.500001m, region: "131028"), ApiFixture.Key("over"))).Expect(409);

        Assert.Equal(10.5m, reply.Body["available"]!.Value<decimal>());
        Assert.Equal(409, reply.Body["status"]!.Value<int>());
        Assert.Equal("application/problem+json", reply.ContentType?.MediaType);
        Assert.Equal(before, await api.SnapshotAsync());
    }

    [Fact]
    public async Task A_trade_at_23_30_China_time_on_30_June_counts_in_June()
    {
        var seller = await api.RegisterEnterpriseAsync();
        var buyer = await api.RegisterEnterpriseAsync();
        await api.AllocateAsync(seller.Value, 10m, region: "131081");
        var trade = (await api.Admin.PostJsonAsync("/api/trades",
            ApiFixture.Trade(seller.Value, buyer.Value, 2m, region: "131081", tradedAt: "2024-06-30T15:30:00Z"), ApiFixture.Key("june"))).Expect(201).Body;
        Assert.Equal("2024-06", trade["month"]!.Value<string>());
        Assert.Equal("2024-06-30T23:30:00+08:00", trade["tradedAt"]!.Value<string>());

        var rows = await api.MarketRowsAsync("131081-SO2");
        var month = Assert.Single(rows, r => r.RowKey.StartsWith("month:", StringComparison.Ordinal));
        Assert.Equal("month:2024-06", month.RowKey);
        Assert.Equal(1, month.GetInt64("Trades"));
        Assert.Equal(6_000_000, month.GetInt64("Fen"));

        var june = (await api.Admin.GetJsonAsync("/api/trades?region=131081&from=2024-06&to=2024-06")).Expect(200).Body;
        Assert.Single((JArray)june["items"]!);
        var july = (await api.Admin.GetJsonAsync("/api/trades?region=131081&from=2024-07&to=2024-07")).Expect(200).Body;
        Assert.Empty((JArray)july["items"]!);
    }

    [Fact]
    public async Task The_reserve_holds_allocations_and_sells_by_ReserveSale()
    {
        var buyer = await api.RegisterEnterpriseAsync();
        var allocation = await api.AllocateAsync("reserve", 30m, region: "131082", pollutant: "COD");
        Assert.Equal("reserve", allocation["holder"]!.Value<string>());
        (await api.Admin.PostJsonAsync("/api/trades",
            ApiFixture.Trade("reserve", buyer.Value, 12m, 389m, 5, region: "131082", pollutant: "COD", method: "ReserveSale"), ApiFixture.Key("rs"))).Expect(201);
        var rows = await api.MarketRowsAsync("131082-COD");
        Assert.Equal(18_000_000, rows.Single(r => r.RowKey == "holding:reserve").GetInt64("HeldGrams"));
        var held = (await api.Admin.GetJsonAsync($"/api/enterprises/{buyer}/holdings")).Array.Single();
        Assert.Equal("COD", held["pollutant"]!.Value<string>());
        Assert.Equal(12m, held["available"]!.Value<decimal>());
    }
}

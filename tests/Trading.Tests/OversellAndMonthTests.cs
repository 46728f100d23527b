using Trading.Tests.Support;

namespace Trading.Tests;

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

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

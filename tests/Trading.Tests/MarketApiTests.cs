using System.Net;
using Trading.Infra;
using Trading.Tests.Support;

namespace Trading.Tests;

/// <summary>Listings, auctions and market data over HTTP against real Azurite.</summary>
public sealed class MarketApiTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private const string Timer = """{"input":""}""";

    private static string Ago(TimeSpan span) => DateTimeOffset.UtcNow.Subtract(span).ToString("yyyy-MM-dd'T'HH:mm:ssK");

    [Fact]
    public async Task Two_buyers_racing_for_the_last_lot_on_two_instances_one_wins_and_rights_are_conserved()
    {
        await using var second = await api.StartServerAsync();
        var seller = (await api.RegisterEnterpriseAsync("131000")).Value;
        var buyers = new[] { (await api.RegisterEnterpriseAsync("131000")).Value, (await api.RegisterEnterpriseAsync("131000")).Value };
        await api.AllocateAsync(seller, 5m, "131000", "VOCs");
        using var sellerClient = api.Server.Client(await api.IssueKeyAsync("enterprise", seller));
        var listing = (await sellerClient.PostJsonAsync("/api/listings", new { region = "131000", pollutant = "VOCs", seller, quantity = 3m, unitPrice = 4000m, termYears = 3, minLot = 1m },
            ApiFixture.Key("list"))).Expect(201).Body;
        Assert.Equal("open", listing["status"]!.Value<string>());
        using var first = api.Server.Client(await api.IssueKeyAsync("enterprise", buyers[0]));
        using var other = second.Client(await api.IssueKeyAsync("enterprise", buyers[1]));
        (await first.PostJsonAsync($"/api/listings/{listing["id"]}/take", new { quantity = 2m }, ApiFixture.Key("a"))).Expect(201);

        // The book shows the listing without its seller to other enterprises.
        var book = (await other.GetJsonAsync("/api/listings?region=1310&pollutant=VOCs")).Expect(200).Body;
        var shown = Assert.Single((JArray)book["items"]!, i => i["id"]!.Value<string>() == listing["id"]!.Value<string>());
        Assert.Equal(JTokenType.Null, shown["seller"]!.Type);
        Assert.Equal(1m, shown["remaining"]!.Value<decimal>());

        var race = await Task.WhenAll(
            first.PostJsonAsync($"/api/listings/{listing["id"]}/take", new { quantity = 1m }, ApiFixture.Key("b")),
            other.PostJsonAsync($"/api/listings/{listing["id"]}/take", new { quantity = 1m }, ApiFixture.Key("c")));
        Assert.Single(race, r => r.Status == 201);
        Assert.Single(race, r => r.Status == 409);
        var winner = race.Single(r => r.Status == 201).Body;
        Assert.Equal("Listing", winner["method"]!.Value<string>());
        Assert.Equal("filled", (await api.Admin.GetJsonAsync($"/api/listings/{listing["id"]}")).Expect(200).Body["status"]!.Value<string>());

        var rows = await api.MarketRowsAsync("131000-VOCs");
        var holdings = rows.Where(r => r.RowKey.StartsWith("holding:", StringComparison.Ordinal)).ToList();
        Assert.Equal(rows.Single(r => r.RowKey == "head").GetInt64("AllocatedGrams"), holdings.Sum(h => h.GetInt64("HeldGrams")!.Value));
        Assert.All(holdings, h => Assert.Equal(0, h.GetInt64("FrozenGrams")));
        Assert.Equal(2_000_000, rows.Single(r => r.RowKey == $"holding:{seller}").GetInt64("HeldGrams"));
        Assert.Empty((JArray)(await other.GetJsonAsync("/api/listings?region=1310&pollutant=VOCs")).Body["items"]!);
    }

    [Fact]
    public async Task Listings_keep_to_the_band_and_markets_show_reference_and_monthly_prices()
    {
        var seller = (await api.RegisterEnterpriseAsync("131000")).Value;
        var buyer = (await api.RegisterEnterpriseAsync("131000")).Value;
        await api.AllocateAsync(seller, 50m, "131000", "COD");
        // 2 t × 1 yr at 1,000, 2 t × 1 yr at 2,000 and (by a second seller) 2 t × 1 yr at 1,500: reference price 1,500.00.
        (await api.Admin.PostJsonAsync("/api/trades", ApiFixture.Trade(seller, buyer, 2m, 1000m, 1, "131000", "COD", Ago(TimeSpan.FromDays(3))), ApiFixture.Key("p1"))).Expect(201);
        (await api.Admin.PostJsonAsync("/api/trades", ApiFixture.Trade(seller, buyer, 2m, 2000m, 1, "131000", "COD", Ago(TimeSpan.FromMinutes(2))), ApiFixture.Key("p2"))).Expect(201);
        (await api.Admin.PostJsonAsync("/api/trades", ApiFixture.Trade(buyer, seller, 2m, 1500m, 1, "131000", "COD", Ago(TimeSpan.FromDays(2))), ApiFixture.Key("p3"))).Expect(201);
        using var sellerClient = api.Server.Client(await api.IssueKeyAsync("enterprise", seller));
        var body = (decimal price) => new { region = "131000", pollutant = "COD", seller, quantity = 1m, unitPrice = price, termYears = 1 };
        var refused = (await sellerClient.PostJsonAsync("/api/listings", body(1950.01m), ApiFixture.Key("high"))).Expect(422).Body;
        Assert.Equal(1500.00m, refused["referencePrice"]!.Value<decimal>());
        Assert.Equal(1050.00m, refused["band"]!["low"]!.Value<decimal>());
        Assert.Equal(1950.00m, refused["band"]!["high"]!.Value<decimal>());
        (await sellerClient.PostJsonAsync("/api/listings", body(1950m), ApiFixture.Key("edge"))).Expect(201);
        (await sellerClient.PostJsonAsync("/api/listings", body(1000m), ApiFixture.Key("low"))).Expect(422);
        (await sellerClient.PostJsonAsync("/api/listings", new { region = "131000", pollutant = "COD", seller = "reserve", quantity = 1m, unitPrice = 1500m, termYears = 1 }, ApiFixture.Key("r"))).Expect(403);

        using var anyKey = api.Server.Client(await api.IssueKeyAsync("bank", "ABC-LF"));
        var market = ((JArray)(await anyKey.GetJsonAsync("/api/markets?region=131000&pollutant=COD")).Expect(200).Array).Single();
        Assert.Equal(1500.00m, market["referencePrice"]!.Value<decimal>());
        Assert.Equal(2000.00m, market["lastPrice"]!.Value<decimal>());
        Assert.Equal(1, market["openListings"]!.Value<long>());
        var month = Trading.Core.Primitives.ReportingMonth.Of(DateTimeOffset.UtcNow);
        var prices = (await anyKey.GetJsonAsync($"/api/markets/131000-COD/prices?from={month.Previous()}&to={month}")).Expect(200).Array;
        Assert.Equal(3, prices.Sum(p => p["trades"]!.Value<long>()));
        Assert.All(prices, p => Assert.True(p["low"]!.Value<decimal>() <= p["vwap"]!.Value<decimal>() && p["vwap"]!.Value<decimal>() <= p["high"]!.Value<decimal>()));
    }

    [Fact]
    public async Task Listings_are_found_by_each_status()
    {
        var seller = (await api.RegisterEnterpriseAsync("131000")).Value;
        var buyer = (await api.RegisterEnterpriseAsync("131000")).Value;
        await api.AllocateAsync(seller, 10m, "131000", "TP");
        using var sellerClient = api.Server.Client(await api.IssueKeyAsync("enterprise", seller));
        using var buyerClient = api.Server.Client(await api.IssueKeyAsync("enterprise", buyer));
        async Task<string> List(string key, string? expiresAt = null) => (await sellerClient.PostJsonAsync("/api/listings", expiresAt is null
                ? new { region = "131000", pollutant = "TP", seller, quantity = 1m, unitPrice = 3000m, termYears = 1, minLot = 1m } as object
                : new { region = "131000", pollutant = "TP", seller, quantity = 1m, unitPrice = 3000m, termYears = 1, minLot = 1m, expiresAt },
            ApiFixture.Key(key))).Expect(201).Body["id"]!.Value<string>()!;
        var open = await List("open");
        var filled = await List("filled");
        var withdrawn = await List("withdrawn");
        var expired = await List("expired", DateTimeOffset.UtcNow.AddSeconds(3).ToString("yyyy-MM-dd'T'HH:mm:ssK"));
        (await buyerClient.PostJsonAsync($"/api/listings/{filled}/take", new { quantity = 1m }, ApiFixture.Key("take"))).Expect(201);
        (await sellerClient.PostJsonAsync($"/api/listings/{withdrawn}/withdraw", new { })).Expect(200);
        await Task.Delay(TimeSpan.FromSeconds(4));
        using var host = api.Server.Client();
        (await host.PostJsonAsync("/admin/functions/ExpireProposals", Timer)).Expect(202);

        async Task<List<string>> Ids(string? status) => ((JArray)(await buyerClient.GetJsonAsync(
            "/api/listings?region=131000&pollutant=TP&pageSize=100" + (status is null ? "" : "&status=" + status))).Expect(200).Body["items"]!)
            .Select(i => i["id"]!.Value<string>()!).ToList();
        Assert.Equal([open], await Ids(null));
        Assert.Equal([open], await Ids("open"));
        Assert.Equal([filled], await Ids("filled"));
        Assert.Equal([withdrawn], await Ids("withdrawn"));
        Assert.Equal([expired], await Ids("expired"));
        var bad = (await buyerClient.GetJsonAsync("/api/listings?status=closed")).Expect(400).Body;
        Assert.Contains("filled", bad["errors"]!["status"]![0]!.Value<string>());
    }

    [Fact]
    public async Task CloseAuctions_runs_on_demand_through_the_admin_route_and_answers_202_with_its_logs()
    {
        using var host = api.Server.Client();
        var body = (await host.PostJsonAsync("/admin/functions/CloseAuctions", Timer)).Expect(202).Body;
        Assert.Equal(["logs"], body.Properties().Select(p => p.Name));
        Assert.NotEmpty((JArray)body["logs"]!);
    }
}

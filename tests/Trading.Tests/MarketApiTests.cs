using System.Net;
using Trading.Infra;
using Trading.Tests.Support;

namespace Trading.Tests;

/// <summary>Listings, auctions and market data over HTTP against real Azurite.</summary>
public sealed class MarketApiTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private const string Timer = """{"Data":{"timer":{"Schedule":{},"ScheduleStatus":null,"IsPastDue":false}},"Metadata":{}}""";

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
        (await host.PostJsonAsync("/ExpireProposals", Timer)).Expect(200); // the timer, through the custom-handler route of this host

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
    public async Task CloseAuctions_answers_the_custom_handler_contract()
    {
        using var host = api.Server.Client();
        var body = (await host.PostJsonAsync("/CloseAuctions", Timer)).Expect(200).Body;
        Assert.Equal(["Outputs", "Logs", "ReturnValue"], body.Properties().Select(p => p.Name));
        Assert.Equal(JTokenType.Null, body["ReturnValue"]!.Type);
        Assert.NotEmpty((JArray)body["Logs"]!);
    }
}

/// <summary>CloseAuctions stopped after its first winner by a storage fault, then run again.</summary>
public sealed class AuctionResumeTests : IAsyncLifetime
{
    private readonly ApiFixture _api = new();
    private readonly FailBatchesAfterFirst _fault = new();
    private TestServer _server = null!;

    public async Task InitializeAsync()
    {
        await _api.InitializeAsync();
        _server = await _api.StartServerAsync(builder => builder.Services.AddSingleton(new StorageOptions
        {
            ConnectionString = _api.Azurite.ConnectionString,
            Prefix = _api.Prefix,
            Handler = _fault,
        }));
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _api.DisposeAsync();
    }

    /// <summary>While armed, lets one entity-group transaction through, then answers every other one 503 (storage failing).</summary>
    private sealed class FailBatchesAfterFirst() : DelegatingHandler(new HttpClientHandler())
    {
        private int _armed;
        private int _passed;

        public void Arm() { Volatile.Write(ref _passed, 0); Volatile.Write(ref _armed, 1); }
        public void Disarm() => Volatile.Write(ref _armed, 0);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            if (Volatile.Read(ref _armed) == 1 && request.RequestUri!.AbsolutePath.EndsWith("$batch", StringComparison.Ordinal)
                && Interlocked.Increment(ref _passed) > 1)
                return Task.FromResult(new HttpResponseMessage(HttpStatusCode.ServiceUnavailable) { RequestMessage = request, Content = new StringContent("") });
            return base.SendAsync(request, ct);
        }
    }

    [Fact]
    public async Task A_settlement_stopped_after_its_first_winner_settles_every_winner_exactly_once_when_run_again()
    {
        var admin = _server.Client(ApiFixture.AdminKey);
        var bidders = new List<string>();
        for (var i = 0; i < 15; i++) bidders.Add((await _api.RegisterEnterpriseAsync("131000")).Value);
        (await admin.PostJsonAsync("/api/allocations", new { holder = "reserve", region = "131000", pollutant = "NOx", quantity = 10m, reference = "reserve" }, ApiFixture.Key("r"))).Expect(201);
        var closesAt = DateTimeOffset.UtcNow.AddSeconds(25); // room for 15 bidders' set-up and bids on a loaded machine
        var auction = (await admin.PostJsonAsync("/api/auctions", new
        {
            region = "131000", pollutant = "NOx", quantity = 4.048m, termYears = 5, startPrice = 21000m, increment = 500m, minLot = 0.2m,
            opensAt = DateTimeOffset.UtcNow.AddSeconds(-1).ToString("O"), closesAt = closesAt.ToString("O"),
        }, ApiFixture.Key("auction"))).Expect(201).Body;
        // 15 bids of 0.25 t from 21,000 up by 500: 14 are filled whole (3.5 t), the 15th (the lowest) gets the 0.548 t left.
        for (var i = 0; i < 15; i++)
        {
            using var bidder = _server.Client(await _api.IssueKeyAsync("enterprise", bidders[i]));
            var bid = (await bidder.PostJsonAsync($"/api/auctions/{auction["id"]}/bids", new { quantity = i == 14 ? 1m : 0.25m, unitPrice = 21000m + 500m * (14 - i) },
                ApiFixture.Key("bid"))).Expect(201);
            Assert.Equal($"/api/auctions/{auction["id"]}/bids/mine", bid.Header("Location"));
        }
        var open = (await admin.GetJsonAsync($"/api/auctions/{auction["id"]}")).Expect(200).Body;
        Assert.Equal(28000m, open["bestPrice"]!.Value<decimal>());
        Assert.Equal(15, open["bids"]!.Value<long>());
        while (DateTimeOffset.UtcNow < closesAt.AddMilliseconds(200)) await Task.Delay(200);

        using var host = _server.Client();
        _fault.Arm();
        var failed = await host.PostJsonAsync("/CloseAuctions", """{"Data":{"timer":{"Schedule":{},"ScheduleStatus":null,"IsPastDue":true}},"Metadata":{}}""");
        Assert.False(failed.Status is >= 200 and < 300, failed.ToString());
        _fault.Disarm();
        var halfway = (await admin.GetJsonAsync($"/api/auctions/{auction["id"]}")).Expect(200).Body;
        Assert.Equal(("closing", Trading.Core.Market.UseCases.SettleAuction.MaxWinnersPerStep), (halfway["status"]!.Value<string>(), halfway["results"]!.Count()));

        (await host.PostJsonAsync("/CloseAuctions", """{"Data":{"timer":{"Schedule":{},"ScheduleStatus":null,"IsPastDue":false}},"Metadata":{}}""")).Expect(200);
        var closed = (await admin.GetJsonAsync($"/api/auctions/{auction["id"]}")).Expect(200).Body;
        Assert.Equal("closed", closed["status"]!.Value<string>());
        Assert.Equal(Enumerable.Range(0, 15).Select(i => 28000m - 500m * i), closed["results"]!.Select(r => r["unitPrice"]!.Value<decimal>()));
        Assert.Equal(4.048m, closed["sold"]!.Value<decimal>());
        Assert.Equal(0.548m, closed["results"]!.Last()["filled"]!.Value<decimal>());

        var rows = await _api.MarketRowsAsync("131000-NOx");
        var trades = rows.Where(r => r.RowKey.StartsWith("trade:", StringComparison.Ordinal)).ToList();
        Assert.Equal(15, trades.Count);
        Assert.Equal(15, trades.Select(t => t.GetString("Buyer")).Distinct().Count());
        Assert.All(trades, t => Assert.Equal("Auction", t.GetString("Method")));
        var reserve = rows.Single(r => r.RowKey == "holding:reserve");
        Assert.Equal(10_000_000, reserve.GetInt64("HeldGrams") + trades.Sum(t => t.GetInt64("Grams")!.Value));
        Assert.Equal(0, reserve.GetInt64("FrozenGrams"));

        var snapshot = await _api.SnapshotAsync();
        (await host.PostJsonAsync("/CloseAuctions", Timer())).Expect(200);
        Assert.Equal(snapshot, await _api.SnapshotAsync());

        using var last = _server.Client(await _api.IssueKeyAsync("enterprise", bidders[14]));
        var mine = (await last.GetJsonAsync($"/api/auctions/{auction["id"]}/bids/mine")).Expect(200).Body;
        Assert.Equal(0.548m, mine["filled"]!.Value<decimal>());
        Assert.All(closed["results"]!, r => Assert.NotEqual(JTokenType.Null, r["bidder"]!.Type)); // admin sees the winners' names
        var publicView = (await last.GetJsonAsync($"/api/auctions/{auction["id"]}")).Expect(200).Body;
        Assert.Single(publicView["results"]!, r => r["bidder"]!.Type != JTokenType.Null); // its own name only
    }

    private static string Timer() => """{"Data":{"timer":{"Schedule":{},"ScheduleStatus":null,"IsPastDue":false}},"Metadata":{}}""";
}

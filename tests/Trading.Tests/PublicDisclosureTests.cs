using Trading.Tests.Support;

namespace Trading.Tests;

/// <summary>
/// The public disclosure lists (成交公示) against Azurite and the real server, on generated trades: they match the ledger,
/// name the parties and nothing else of them, filter and page like the trade list, and hold a request to 24 months.
/// </summary>
public sealed class PublicDisclosureTests(GeneratedTradesFixture api) : IClassFixture<GeneratedTradesFixture>, IAsyncLifetime
{
    private static readonly string[] s_tradeMembers =
        ["id", "region", "pollutant", "method", "quantity", "unitPrice", "termYears", "amount", "tradedAt", "seller", "buyer", "outsideBand"];

    // A server of its own with a limit these tests never reach (the limit itself is PublicRateLimitTests').
    private TestServer _server = null!;
    private HttpClient _anonymous = null!;

    public async Task InitializeAsync()
    {
        _server = await api.StartServerAsync(null, "--Trading:PublicRateLimit=100000");
        _anonymous = _server.Client();
    }

    public async Task DisposeAsync()
    {
        _anonymous.Dispose();
        await _server.DisposeAsync();
    }

    private async Task<List<JObject>> AllPublicAsync(string query, int pageSize)
    {
        var items = new List<JObject>();
        string? token = null;
        do
        {
            var path = $"/api/public/trades?{query}&pageSize={pageSize}" + (token is null ? "" : "&continuationToken=" + Uri.EscapeDataString(token));
            var page = (await _anonymous.GetJsonAsync(path)).Expect(200).Body;
            var batch = ((JArray)page["items"]!).Cast<JObject>().ToList();
            Assert.True(batch.Count <= pageSize);
            items.AddRange(batch);
            token = page["continuationToken"]!.Type == JTokenType.Null ? null : page["continuationToken"]!.Value<string>();
        } while (token is not null);
        return items;
    }

    private async Task<List<JObject>> LedgerAsync(string query) =>
        ((JArray)(await api.Admin.GetJsonAsync($"/api/trades?{query}&pageSize=1000")).Expect(200).Body["items"]!).Cast<JObject>().ToList();

    private async Task<Dictionary<string, string>> NamesAsync(IEnumerable<JObject> trades)
    {
        var names = new Dictionary<string, string>();
        foreach (var code in trades.SelectMany(t => new[] { t["seller"]!.Value<string>()!, t["buyer"]!.Value<string>()! }).Distinct())
            names[code] = code == "reserve" ? "reserve" : (await api.Admin.GetJsonAsync($"/api/enterprises/{code}")).Expect(200).Body["name"]!.Value<string>()!;
        return names;
    }

    /// <summary>Each public item is the ledger's trade of the same id, parties by name; in the same (newest first) order.</summary>
    private async Task AssertSameAsync(List<JObject> ledger, List<JObject> published)
    {
        Assert.Equal(ledger.Select(t => t["id"]!.Value<string>()), published.Select(t => t["id"]!.Value<string>()));
        var names = await NamesAsync(ledger);
        foreach (var (trade, shown) in ledger.Zip(published))
        {
            Assert.Equal(s_tradeMembers, shown.Properties().Select(p => p.Name));
            foreach (var member in new[] { "region", "pollutant", "method", "quantity", "unitPrice", "termYears", "amount", "tradedAt" })
                Assert.Equal(trade[member]!.ToString(), shown[member]!.ToString());
            Assert.Equal(names[trade["seller"]!.Value<string>()!], shown["seller"]!.Type == JTokenType.String ? "reserve" : shown["seller"]!["name"]!.Value<string>());
            Assert.Equal(names[trade["buyer"]!.Value<string>()!], shown["buyer"]!["name"]!.Value<string>());
            Assert.Equal(["name"], ((JObject)shown["buyer"]!).Properties().Select(p => p.Name));
            Assert.False(shown["outsideBand"]!.Value<bool>());
        }
        // Nothing else of the trade anywhere in the answer: no credit code, reference, recorder or hash.
        var text = string.Join("\n", published.Select(p => p.ToString()));
        foreach (var trade in ledger)
        {
            foreach (var secret in new[] { trade["seller"]!.Value<string>()!, trade["buyer"]!.Value<string>()!, trade["hash"]!.Value<string>()! }.Where(s => s != "reserve"))
                Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
            if (trade["reference"]!.Value<string>() is { } reference) Assert.DoesNotContain(reference, text, StringComparison.Ordinal);
            Assert.DoesNotContain(trade["recordedBy"]!.Value<string>()!, text, StringComparison.Ordinal);
        }
        foreach (var member in new[] { "reference", "recordedBy", "recordedAt", "hash", "previousHash", "sequence", "creditCode" })
            Assert.DoesNotContain($"\"{member}\"", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Public_trades_are_the_ledgers_trades_newest_first_with_names_and_never_codes_references_or_recorders()
    {
        var ledger = await LedgerAsync("from=2023-01&to=2024-12");
        Assert.Equal(api.Trades.Count, ledger.Count);
        // Pages of 17 (a size that leaves a short last page), read through continuation tokens without a key.
        var published = await AllPublicAsync("from=2023-01&to=2024-12", 17);
        await AssertSameAsync(ledger, published);
        var times = published.Select(t => DateTimeOffset.Parse(t["tradedAt"]!.Value<string>()!, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(times.OrderByDescending(t => t), times);
    }

    [Theory]
    [InlineData("region=1310&from=2023-01&to=2024-12")]
    [InlineData("region=1301&pollutant=SO2&from=2023-01&to=2024-12")]
    [InlineData("region=131000&pollutant=NOx&method=Agreement&from=2023-06&to=2024-05")]
    [InlineData("pollutant=COD&from=2024-01&to=2024-12")]
    [InlineData("method=Listing&from=2023-01&to=2024-12")]
    public async Task Filters_select_what_the_trade_list_selects(string query)
    {
        var ledger = await LedgerAsync(query);
        var published = await AllPublicAsync(query, 7);
        await AssertSameAsync(ledger, published);
        if (!query.Contains("Listing", StringComparison.Ordinal)) Assert.NotEmpty(published); // the generated data has some of each, no Listing trades
    }

    [Theory]
    [InlineData("from=2023-01&to=2025-01", "to")]   // 25 months
    [InlineData("from=2022-12&to=2024-12", "to")]
    [InlineData("from=2024-02&to=2024-01", "from")] // backwards
    [InlineData("from=2024-13", "from")]
    [InlineData("method=agreement", "method")]
    [InlineData("region=99x", "region")]
    [InlineData("pageSize=0", "pageSize")]
    public async Task More_than_24_months_or_a_bad_filter_is_400_naming_the_field(string query, string field)
    {
        var problem = (await _anonymous.GetJsonAsync("/api/public/trades?" + query)).Expect(400).Body;
        Assert.NotNull(problem["errors"]![field]);
    }

    [Fact]
    public async Task Exactly_24_months_is_served_and_one_month_alone_fills_in_the_rest()
    {
        (await _anonymous.GetJsonAsync("/api/public/trades?from=2023-01&to=2024-12&pageSize=1")).Expect(200);
        // From 2023-01 alone: the 24 months from it, which hold every generated trade.
        var fromOnly = await AllPublicAsync("from=2023-01", 1000);
        Assert.Equal(api.Trades.Count, fromOnly.Count);
        // To 2023-06 alone: the 24 months up to it (only its generated months 2023-01..06 have trades).
        var toOnly = await AllPublicAsync("to=2023-06", 1000);
        Assert.Equal(api.Trades.Count(t => t.Month.Year == 2023 && t.Month.Month <= 6), toOnly.Count);
        // Neither: the last 24 months up to this one (no generated trade is that recent).
        Assert.Empty(await AllPublicAsync("region=1301", 1000));
    }

    [Fact]
    public async Task Closed_auctions_are_published_with_the_winners_names_quantities_and_prices_and_their_trades_as_reserve_sales()
    {
        var bidders = new List<string>();
        for (var i = 0; i < 3; i++) bidders.Add((await api.RegisterEnterpriseAsync("131000")).Value);
        (await api.Admin.PostJsonAsync("/api/allocations", new { holder = "reserve", region = "131000", pollutant = "TP", quantity = 10m, reference = "reserve" },
            ApiFixture.Key("public-reserve"))).Expect(201);
        var closesAt = DateTimeOffset.UtcNow.AddSeconds(10);
        var auction = (await api.Admin.PostJsonAsync("/api/auctions", new
        {
            region = "131000", pollutant = "TP", quantity = 2m, termYears = 3, startPrice = 5000m, increment = 100m, minLot = 0.5m,
            opensAt = DateTimeOffset.UtcNow.AddSeconds(-1).ToString("O"), closesAt = closesAt.ToString("O"),
        }, ApiFixture.Key("public-auction"))).Expect(201).Body;
        var id = auction["id"]!.Value<string>()!;
        // 1.5 t at 5,300 and 1 t at 5,200 and 1 t at 5,100: the first two win 1.5 t and 0.5 t, the third nothing.
        var bids = new[] { (1.5m, 5300m), (1m, 5200m), (1m, 5100m) };
        for (var i = 0; i < 3; i++)
        {
            using var bidder = api.Server.Client(await api.IssueKeyAsync("enterprise", bidders[i]));
            (await bidder.PostJsonAsync($"/api/auctions/{id}/bids", new { quantity = bids[i].Item1, unitPrice = bids[i].Item2 }, ApiFixture.Key("bid"))).Expect(201);
        }
        Assert.DoesNotContain(id, (await _anonymous.GetJsonAsync("/api/public/auctions?region=1310&status=closed")).Expect(200).Text, StringComparison.Ordinal);
        while (DateTimeOffset.UtcNow < closesAt.AddMilliseconds(300)) await Task.Delay(200);
        using (var host = api.Server.Client()) (await host.PostJsonAsync("/admin/functions/CloseAuctions", """{"input":""}""")).Expect(202);

        var reply = (await _anonymous.GetJsonAsync("/api/public/auctions?region=1310&pollutant=TP&status=closed")).Expect(200);
        var shown = Assert.Single((JArray)reply.Body["items"]!);
        Assert.Equal(id, shown["id"]!.Value<string>());
        Assert.Equal(2m, shown["sold"]!.Value<decimal>());
        var names = new List<string>();
        foreach (var code in bidders.Take(2))
            names.Add((await api.Admin.GetJsonAsync($"/api/enterprises/{code}")).Expect(200).Body["name"]!.Value<string>()!);
        Assert.Equal([(names[0], 1.5m, 5300m), (names[1], 0.5m, 5200m)],
            shown["results"]!.Select(r => (r["winner"]!["name"]!.Value<string>()!, r["quantity"]!.Value<decimal>(), r["unitPrice"]!.Value<decimal>())));
        foreach (var code in bidders) Assert.DoesNotContain(code, reply.Text, StringComparison.Ordinal);
        // The same list without status; status=open is not published.
        Assert.Contains(id, (await _anonymous.GetJsonAsync("/api/public/auctions?pollutant=TP")).Expect(200).Text, StringComparison.Ordinal);
        Assert.NotNull((await _anonymous.GetJsonAsync("/api/public/auctions?status=open")).Expect(400).Body["errors"]!["status"]);

        // Its trades are in the public trade list, sold by the reserve to the winners by name.
        var month = Trading.Core.Primitives.ReportingMonth.Of(DateTimeOffset.UtcNow);
        var trades = await AllPublicAsync($"region=131000&pollutant=TP&method=Auction&from={month}&to={month}", 100);
        Assert.Equal(2, trades.Count);
        Assert.All(trades, t => Assert.Equal("reserve", t["seller"]!.Value<string>()));
        Assert.Equal(names.OrderBy(n => n), trades.Select(t => t["buyer"]!["name"]!.Value<string>()!).OrderBy(n => n));
    }
}

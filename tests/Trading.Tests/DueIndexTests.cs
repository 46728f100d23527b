using System.Collections.Concurrent;
using Azure.Data.Tables;
using Trading.Infra;
using Trading.Tests.Support;

namespace Trading.Tests;

/// <summary>
/// The due index on Azurite (decision 0012): expiries and auction closes are found through it, an idle run reads only the
/// index whatever the number of markets and banks, old storage is backfilled once, and a run stopped at its budget goes
/// on at the next run to the same end state.
/// </summary>
public sealed class DueIndexTests : IAsyncLifetime
{
    private readonly ApiFixture _api = new();
    private readonly CountingHandler _requests = new();
    private TestServer _server = null!;

    public async Task InitializeAsync()
    {
        await _api.InitializeAsync();
        _server = await StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _api.DisposeAsync();
    }

    private Task<TestServer> StartAsync(params string[] args) => _api.StartServerAsync(builder => builder.Services.AddSingleton(new StorageOptions
    {
        ConnectionString = _api.Azurite.ConnectionString,
        Prefix = _api.Prefix,
        Handler = _requests,
    }), args);

    /// <summary>While armed, records the table (or blob container, or queue) of every storage request.</summary>
    private sealed class CountingHandler() : DelegatingHandler(new HttpClientHandler())
    {
        private volatile bool _armed;
        public ConcurrentQueue<string> Seen { get; } = new();

        public void Arm() { Seen.Clear(); _armed = true; }
        /// <summary>What was seen, without the timer run's own lock (a blob lease in <c>locks</c>, the same for every run).</summary>
        public List<string> Disarm() { _armed = false; return [.. Seen.Where(t => !t.EndsWith("locks", StringComparison.Ordinal))]; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            if (_armed)
            {
                var segments = request.RequestUri!.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
                Seen.Enqueue(segments.Length > 1 ? segments[1].Split('(')[0] : request.RequestUri.AbsolutePath);
            }
            return base.SendAsync(request, ct);
        }
    }

    private static async Task<List<string>> RunAsync(TestServer server, string timer)
    {
        using var host = server.Client();
        var body = (await host.PostJsonAsync($"/admin/functions/{timer}", """{"input":""}""")).Expect(202).Body;
        return body["logs"]!.Select(l => l.Value<string>()!).ToList();
    }

    private async Task<List<TableEntity>> DueRowsAsync()
    {
        var rows = new List<TableEntity>();
        await foreach (var e in _api.Storage.DueIndex.QueryAsync<TableEntity>()) rows.Add(e);
        return rows.Where(r => r.PartitionKey != DueBackfill.MetaPartition).ToList();
    }

    private static string At(DateTimeOffset t) => t.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd'T'HH:mm:sszzz");

    private async Task<string> ProposeAsync(HttpClient seller, string sellerCode, string buyer, DateTimeOffset expiresAt, string pollutant = "SO2", string region = "131000") =>
        (await seller.PostJsonAsync("/api/trade-proposals", ApiFixture.Proposal(sellerCode, buyer, 0.5m, 3000m, 1, region, pollutant, At(expiresAt)),
            ApiFixture.Key("p-" + Guid.NewGuid().ToString("N")))).Expect(201).Body["id"]!.Value<string>()!;

    private async Task<string> AuctionAsync(DateTimeOffset closesAt, decimal quantity = 1m, string pollutant = "NOx") =>
        (await _api.Admin.PostJsonAsync("/api/auctions", new
        {
            region = "131000", pollutant, quantity, termYears = 5, startPrice = 21000m, increment = 500m, minLot = 0.2m,
            opensAt = DateTimeOffset.UtcNow.AddSeconds(-1).ToString("O"), closesAt = closesAt.ToString("O"),
        }, ApiFixture.Key("auction-" + Guid.NewGuid().ToString("N")))).Expect(201).Body["id"]!.Value<string>()!;

    private static async Task WaitUntilAsync(DateTimeOffset t)
    {
        while (DateTimeOffset.UtcNow < t) await Task.Delay(200);
    }

    [Fact]
    public async Task Expiries_and_an_auction_close_are_found_through_the_index_even_a_proposal_written_while_the_timer_runs()
    {
        var seller = (await _api.RegisterEnterpriseAsync("131000")).Value;
        var buyer = (await _api.RegisterEnterpriseAsync("131000")).Value;
        var bidder = (await _api.RegisterEnterpriseAsync("131000")).Value;
        await _api.AllocateAsync(seller, 5m, "131000", "SO2");
        await _api.AllocateAsync("reserve", 5m, "131000", "NOx");
        using var sellerClient = _server.Client(await _api.IssueKeyAsync("enterprise", seller));
        using var bidderClient = _server.Client(await _api.IssueKeyAsync("enterprise", bidder));
        var due = DateTimeOffset.UtcNow.AddSeconds(12);
        var first = await ProposeAsync(sellerClient, seller, buyer, due);
        var auction = await AuctionAsync(due);
        (await bidderClient.PostJsonAsync($"/api/auctions/{auction}/bids", new { quantity = 0.6m, unitPrice = 21500m }, ApiFixture.Key("bid"))).Expect(201);

        // A proposal written while ExpireProposals runs (nothing is due yet): indexed before its commit, found by the next run.
        var running = RunAsync(_server, "ExpireProposals");
        var second = await ProposeAsync(sellerClient, seller, buyer, due);
        Assert.Equal("No offer had expired.", (await running)[0]);
        var rows = await DueRowsAsync();
        Assert.Equal(2, rows.Count(r => r.PartitionKey.StartsWith(DueIndex.Expiries, StringComparison.Ordinal)));
        Assert.Single(rows, r => r.PartitionKey.StartsWith(DueIndex.Closes, StringComparison.Ordinal) && r.RowKey.EndsWith(auction.Split("-AU")[1].PadLeft(10, '0'), StringComparison.Ordinal));

        await WaitUntilAsync(due.AddSeconds(1));
        Assert.Contains("Ended 2 expired offer(s) in 1 market(s).", await RunAsync(_server, "ExpireProposals"));
        foreach (var id in new[] { first, second })
            Assert.Equal("expired", (await sellerClient.GetJsonAsync($"/api/trade-proposals/{id}")).Expect(200).Body["status"]!.Value<string>());
        Assert.Contains(await RunAsync(_server, "CloseAuctions"), l => l.StartsWith($"Closed {auction}: 1 winner(s)", StringComparison.Ordinal));
        Assert.Equal("closed", (await _api.Admin.GetJsonAsync($"/api/auctions/{auction}")).Expect(200).Body["status"]!.Value<string>());
        Assert.Empty(await DueRowsAsync()); // each entry went once its work committed

        // Nothing due: each timer reads the index only, one request (once the commits' background copies are done).
        await _api.SnapshotAsync();
        _requests.Arm();
        Assert.Equal(["No offer had expired.", "No loan application had a step left."], await RunAsync(_server, "ExpireProposals"));
        Assert.Equal(["No auction was due."], await RunAsync(_server, "CloseAuctions"));
        var seen = _requests.Disarm();
        Assert.True(seen.SequenceEqual([_api.Prefix + "dueindex", _api.Prefix + "dueindex", _api.Prefix + "dueindex"]), string.Join(", ", seen));
    }

    [Fact]
    public async Task An_idle_run_reads_the_same_few_index_rows_with_2_markets_as_with_40_and_never_lists_markets_or_banks()
    {
        await _api.AllocateAsync("reserve", 1m, "131000", "NOx");
        await _api.AllocateAsync("reserve", 1m, "131000", "SO2");
        async Task<Dictionary<string, List<string>>> IdleAsync()
        {
            var seen = new Dictionary<string, List<string>>();
            foreach (var timer in new[] { "ExpireProposals", "CloseAuctions", "CountLoans" })
            {
                _requests.Arm();
                await RunAsync(_server, timer);
                seen[timer] = _requests.Disarm();
            }
            return seen;
        }
        await _api.SnapshotAsync();
        var few = await IdleAsync();

        // 38 more markets in 19 provinces, and 40 banks in the list of banks.
        var provinces = new[] { "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41", "42", "43", "44" };
        await Task.WhenAll(provinces.SelectMany(p => new[] { "COD", "TP" }.Select(pollutant => _api.AllocateAsync("reserve", 1m, p + "0100", pollutant))));
        for (var i = 0; i < 40; i++)
            await _api.Storage.Markets.UpsertEntityAsync(new TableEntity(BankHooks.BanksPartition, $"B{i:D2}-LF"));
        await _api.SnapshotAsync();
        var many = await IdleAsync();

        foreach (var timer in few.Keys)
        {
            Assert.Equal(few[timer], many[timer]);
            Assert.DoesNotContain(_api.Prefix + "markets", many[timer]);
            Assert.DoesNotContain(_api.Prefix + "ledger", many[timer]);
            Assert.DoesNotContain(_api.Prefix + "loans", many[timer]);
        }
        Assert.True(3 == many["ExpireProposals"].Count + many["CloseAuctions"].Count, string.Join(", ", many["ExpireProposals"].Concat(many["CloseAuctions"]))); // one range query each (offers, loan steps, auctions)
        Assert.Single(many["CountLoans"]); // one query of the loan marks
        Assert.All(many["CountLoans"], t => Assert.Equal(_api.Prefix + "loanmarks", t));
    }

    [Fact]
    public async Task Old_storage_is_backfilled_once_within_the_budget_and_its_expiries_and_closes_are_then_done()
    {
        var seller = (await _api.RegisterEnterpriseAsync("131000")).Value;
        var buyer = (await _api.RegisterEnterpriseAsync("131000")).Value;
        await _api.AllocateAsync(seller, 5m, "131000", "SO2");
        await _api.AllocateAsync(seller, 5m, "131000", "PM");
        await _api.AllocateAsync("reserve", 5m, "131000", "NOx");
        using var sellerClient = _server.Client(await _api.IssueKeyAsync("enterprise", seller));
        var due = DateTimeOffset.UtcNow.AddSeconds(8);
        var proposals = new[] { await ProposeAsync(sellerClient, seller, buyer, due, "SO2"), await ProposeAsync(sellerClient, seller, buyer, due, "PM") };
        var auction = await AuctionAsync(due);
        var later = await ProposeAsync(sellerClient, seller, buyer, DateTimeOffset.UtcNow.AddDays(3), "PM");

        // Storage as it was before the due index: no entry, no backfill row. A new instance, one step per run.
        await foreach (var e in _api.Storage.DueIndex.QueryAsync<TableEntity>()) await _api.Storage.DueIndex.DeleteEntityAsync(e.PartitionKey, e.RowKey);
        await using var limited = await StartAsync("--Trading:TimerStepLimit=1");
        await WaitUntilAsync(due.AddSeconds(1));

        var runs = 0;
        List<string> logs;
        do logs = await RunAsync(limited, "ExpireProposals");
        while (logs.Any(l => l.StartsWith("Due index backfill:", StringComparison.Ordinal)) && ++runs < 10);
        Assert.Equal(2, runs); // three markets, one per run: the third run indexes the last, finds no bank, and is done
        Assert.Contains(logs, l => l.StartsWith("Due index backfill done", StringComparison.Ordinal));
        var meta = await _api.Storage.DueIndex.GetEntityAsync<TableEntity>(DueBackfill.MetaPartition, "backfill");
        Assert.True(meta.Value.GetBoolean("Done"));
        Assert.Single(await DueRowsAsync(), r => r.RowKey.StartsWith("auction|", StringComparison.Ordinal));
        Assert.Contains(await DueRowsAsync(), r => r.RowKey.StartsWith("proposal|131000-PM|", StringComparison.Ordinal)
            && string.CompareOrdinal(r.PartitionKey, DueIndex.Expiries + Trading.Core.Market.DueWork.Bucket(DateTimeOffset.UtcNow.AddDays(2))) > 0); // the later one, in its own minute

        for (var i = 0; i < 5 && (await RunAsync(limited, "ExpireProposals")).Any(l => l.StartsWith("Stopped", StringComparison.Ordinal)); i++) { }
        foreach (var id in proposals)
            Assert.Equal("expired", (await sellerClient.GetJsonAsync($"/api/trade-proposals/{id}")).Expect(200).Body["status"]!.Value<string>());
        Assert.Equal("proposed", (await sellerClient.GetJsonAsync($"/api/trade-proposals/{later}")).Expect(200).Body["status"]!.Value<string>());
        for (var i = 0; i < 5 && (await RunAsync(limited, "CloseAuctions")).Any(l => l.StartsWith("Stopped", StringComparison.Ordinal)); i++) { }
        Assert.Equal("closed", (await _api.Admin.GetJsonAsync($"/api/auctions/{auction}")).Expect(200).Body["status"]!.Value<string>());

        // Done for good: no run lists the markets again.
        _requests.Arm();
        await RunAsync(limited, "ExpireProposals");
        await RunAsync(limited, "CloseAuctions");
        Assert.DoesNotContain(_api.Prefix + "markets", _requests.Disarm());
    }

    [Fact]
    public async Task Runs_stopped_by_the_step_limit_go_on_at_the_next_run_to_the_end_state_of_one_run()
    {
        await using var limited = await StartAsync("--Trading:TimerStepLimit=1");
        var bidders = new List<string>();
        for (var i = 0; i < 14; i++) bidders.Add((await _api.RegisterEnterpriseAsync("131000")).Value);
        var seller = (await _api.RegisterEnterpriseAsync("131000")).Value;
        var buyer = (await _api.RegisterEnterpriseAsync("131000")).Value;
        await _api.AllocateAsync("reserve", 10m, "131000", "NOx");
        foreach (var pollutant in new[] { "SO2", "PM", "COD" }) await _api.AllocateAsync(seller, 2m, "131000", pollutant);
        using var sellerClient = _server.Client(await _api.IssueKeyAsync("enterprise", seller));
        var due = DateTimeOffset.UtcNow.AddSeconds(25);
        var auction = await AuctionAsync(due, 4m);
        var proposals = new List<string>();
        foreach (var pollutant in new[] { "SO2", "PM", "COD" }) proposals.Add(await ProposeAsync(sellerClient, seller, buyer, due, pollutant));
        // 14 bids of 0.25 t from 21,000 up by 500: every one filled (3.5 t of 4 t), 12 winners in the first step, 2 in the second.
        for (var i = 0; i < 14; i++)
        {
            using var bidder = _server.Client(await _api.IssueKeyAsync("enterprise", bidders[i]));
            (await bidder.PostJsonAsync($"/api/auctions/{auction}/bids", new { quantity = 0.25m, unitPrice = 21000m + 500m * (13 - i) }, ApiFixture.Key("bid"))).Expect(201);
        }
        await WaitUntilAsync(due.AddSeconds(1));

        var closeRuns = new List<List<string>>();
        do closeRuns.Add(await RunAsync(limited, "CloseAuctions"));
        while (closeRuns[^1].Any(l => l.StartsWith("Stopped", StringComparison.Ordinal)) && closeRuns.Count < 10);
        // Three settlement transactions (12 winners, 2 winners, the close with the notices), one per run.
        Assert.Equal(3, closeRuns.Count);
        Assert.Contains(closeRuns[0], l => l.EndsWith("CloseAuctions continues at the next run.", StringComparison.Ordinal));
        Assert.Contains(closeRuns[^1], l => l.StartsWith($"Closed {auction}: 14 winner(s), 3.5 of 4 t/a sold.", StringComparison.Ordinal));

        var expireRuns = 0;
        List<string> expired;
        do { expired = await RunAsync(limited, "ExpireProposals"); expireRuns++; }
        while (expired.Any(l => l.StartsWith("Stopped", StringComparison.Ordinal)) && expireRuns < 10);
        Assert.Equal(3, expireRuns); // one market per run

        // The end state of one uninterrupted run: each winner settled once, at its price; every offer expired; nothing left due.
        var closed = (await _api.Admin.GetJsonAsync($"/api/auctions/{auction}")).Expect(200).Body;
        Assert.Equal("closed", closed["status"]!.Value<string>());
        Assert.Equal(Enumerable.Range(0, 14).Select(i => 27500m - 500m * i), closed["results"]!.Select(r => r["unitPrice"]!.Value<decimal>()));
        var rows = await _api.MarketRowsAsync("131000-NOx");
        var trades = rows.Where(r => r.RowKey.StartsWith("trade:", StringComparison.Ordinal)).ToList();
        Assert.Equal(14, trades.Count);
        Assert.Equal(14, trades.Select(t => t.GetString("Buyer")).Distinct().Count());
        var reserve = rows.Single(r => r.RowKey == "holding:reserve");
        Assert.Equal((10_000_000L, 0L), (reserve.GetInt64("HeldGrams")!.Value + trades.Sum(t => t.GetInt64("Grams")!.Value), reserve.GetInt64("FrozenGrams")!.Value));
        foreach (var id in proposals)
            Assert.Equal("expired", (await sellerClient.GetJsonAsync($"/api/trade-proposals/{id}")).Expect(200).Body["status"]!.Value<string>());
        Assert.Empty(await DueRowsAsync());
        var snapshot = await _api.SnapshotAsync();
        await RunAsync(_server, "CloseAuctions");
        await RunAsync(_server, "ExpireProposals");
        Assert.Equal(snapshot, await _api.SnapshotAsync());
    }

    [Fact]
    public async Task Listings_of_two_provinces_are_in_their_own_partitions_and_a_country_wide_list_pages_through_both_in_order()
    {
        var north = (await _api.RegisterEnterpriseAsync("131000")).Value;
        var east = (await _api.RegisterEnterpriseAsync("310100")).Value;
        await _api.AllocateAsync(north, 5m, "131000", "TP");
        await _api.AllocateAsync(east, 5m, "310100", "TP");
        using var northClient = _server.Client(await _api.IssueKeyAsync("enterprise", north));
        using var eastClient = _server.Client(await _api.IssueKeyAsync("enterprise", east));
        var ids = new List<(decimal Price, string Id)>();
        foreach (var (client, seller, region, price) in new[] { (northClient, north, "131000", 3000m), (eastClient, east, "310100", 3100m), (northClient, north, "131000", 3200m), (eastClient, east, "310100", 3300m) })
            ids.Add((price, (await client.PostJsonAsync("/api/listings", new { region, pollutant = "TP", seller, quantity = 1m, unitPrice = price, termYears = 1, minLot = 1m },
                ApiFixture.Key("l" + price))).Expect(201).Body["id"]!.Value<string>()!));
        var partitions = new List<string>();
        await foreach (var e in _api.Storage.OfferIndex.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey ge {"listing|all"} and PartitionKey lt {"listing|all;"}")))
            partitions.Add(e.PartitionKey);
        Assert.Equal(["listing|all:13", "listing|all:13", "listing|all:31", "listing|all:31"], partitions.Order(StringComparer.Ordinal));

        // A row of the old layout (one partition for the country) is still read, in its place.
        var old = (await eastClient.PostJsonAsync("/api/listings", new { region = "310100", pollutant = "TP", seller = east, quantity = 1m, unitPrice = 3050m, termYears = 1, minLot = 1m },
            ApiFixture.Key("old"))).Expect(201).Body["id"]!.Value<string>()!;
        var moved = await _api.Storage.OfferIndex.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {"listing|all:31"} and Id eq {old}")).FirstAsync();
        await _api.Storage.OfferIndex.DeleteEntityAsync(moved.PartitionKey, moved.RowKey);
        await _api.Storage.OfferIndex.AddEntityAsync(new TableEntity("listing|all", moved.RowKey) { ["Id"] = old, ["Region"] = "310100", ["Pollutant"] = "TP" });
        ids.Add((3050m, old));

        var listed = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var page = (await northClient.GetJsonAsync("/api/listings?pollutant=TP&pageSize=2" + (token is null ? "" : "&continuationToken=" + Uri.EscapeDataString(token)))).Expect(200).Body;
            listed.AddRange(page["items"]!.Select(i => i["id"]!.Value<string>()!));
            token = page["continuationToken"]?.Value<string>();
        }
        while (token is not null && ++pages < 10);
        Assert.Equal(ids.OrderBy(i => i.Price).Select(i => i.Id), listed);
        var shanghai = (await northClient.GetJsonAsync("/api/listings?region=31&pollutant=TP&pageSize=10")).Expect(200).Body["items"]!.Select(i => i["id"]!.Value<string>()!);
        Assert.Equal(ids.Where(i => i.Id.StartsWith("310100", StringComparison.Ordinal)).OrderBy(i => i.Price).Select(i => i.Id), shanghai);
    }
}

using System.Net;
using Trading.Infra;
using Trading.Tests.Support;

namespace Trading.Tests;

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

    /// <summary>
    /// While armed, lets one entity-group transaction of the ledger through (a settlement step's commit), then answers
    /// every other one 503 (storage failing). Transactions to other tables (a step's loan-match marks, written in one
    /// transaction before its commit) pass.
    /// </summary>
    private sealed class FailBatchesAfterFirst() : DelegatingHandler(new HttpClientHandler())
    {
        private int _armed;
        private int _passed;

        public void Arm() { Volatile.Write(ref _passed, 0); Volatile.Write(ref _armed, 1); }
        public void Disarm() => Volatile.Write(ref _armed, 0);

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            if (Volatile.Read(ref _armed) == 1 && request.RequestUri!.AbsolutePath.EndsWith("$batch", StringComparison.Ordinal)
                && await IsLedgerAsync(request, ct) && Interlocked.Increment(ref _passed) > 1)
                return new HttpResponseMessage(HttpStatusCode.ServiceUnavailable) { RequestMessage = request, Content = new StringContent("") };
            return await base.SendAsync(request, ct);
        }

        private static async Task<bool> IsLedgerAsync(HttpRequestMessage request, CancellationToken ct)
        {
            if (request.Content is null) return false;
            await request.Content.LoadIntoBufferAsync(ct);
            return (await request.Content.ReadAsStringAsync(ct)).Contains("ledger(", StringComparison.Ordinal);
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
        var failed = await host.PostJsonAsync("/admin/functions/CloseAuctions", """{"input":""}""");
        Assert.False(failed.Status is >= 200 and < 300, failed.ToString());
        _fault.Disarm();
        var halfway = (await admin.GetJsonAsync($"/api/auctions/{auction["id"]}")).Expect(200).Body;
        Assert.Equal(("closing", Trading.Core.Market.UseCases.SettleAuction.MaxWinnersPerStep), (halfway["status"]!.Value<string>(), halfway["results"]!.Count()));

        (await host.PostJsonAsync("/admin/functions/CloseAuctions", """{"input":""}""")).Expect(202);
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
        (await host.PostJsonAsync("/admin/functions/CloseAuctions", Timer())).Expect(202);
        Assert.Equal(snapshot, await _api.SnapshotAsync());

        using var last = _server.Client(await _api.IssueKeyAsync("enterprise", bidders[14]));
        var mine = (await last.GetJsonAsync($"/api/auctions/{auction["id"]}/bids/mine")).Expect(200).Body;
        Assert.Equal(0.548m, mine["filled"]!.Value<decimal>());
        Assert.All(closed["results"]!, r => Assert.NotEqual(JTokenType.Null, r["bidder"]!.Type)); // admin sees the winners' names
        var publicView = (await last.GetJsonAsync($"/api/auctions/{auction["id"]}")).Expect(200).Body;
        Assert.Single(publicView["results"]!, r => r["bidder"]!.Type != JTokenType.Null); // its own name only
    }

    private static string Timer() => """{"input":""}""";
}

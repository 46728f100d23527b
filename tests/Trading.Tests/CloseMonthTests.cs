using Azure.Data.Tables;
using Azure.Storage.Blobs.Models;
using Trading.Functions.Hosting;
using Trading.Infra;
using Trading.Tests.Support;

namespace Trading.Tests;

public sealed class CloseMonthTests
{
    private const string Payload = """{"input":""}""";

    private static async Task<(ApiFixture Api, string Seller, string Buyer)> MarketAsync()
    {
        var api = new ApiFixture();
        await api.InitializeAsync();
        var seller = (await api.RegisterEnterpriseAsync("131000")).Value;
        var buyer = (await api.RegisterEnterpriseAsync("131000")).Value;
        await api.AllocateAsync(seller, 1000m, "131000", "SO2");
        await api.AllocateAsync(seller, 1000m, "131024", "VOCs");
        return (api, seller, buyer);
    }

    private static async Task TradeAsync(ApiFixture api, string seller, string buyer, string tradedAt, decimal q, string region = "131000", string pollutant = "SO2") =>
        (await api.Admin.PostJsonAsync("/api/trades", ApiFixture.Trade(seller, buyer, q, 1000m, 1, region, pollutant, tradedAt), ApiFixture.Key(Guid.NewGuid().ToString()))).Expect(201);

    private static async Task<JObject> CloseAsync(TestServer server, string payload = Payload)
    {
        using var client = server.Client();
        var reply = (await client.PostJsonAsync("/admin/functions/CloseMonth", payload)).Expect(202);
        var body = reply.Body;
        Assert.Equal(["logs"], body.Properties().Select(p => p.Name));
        return body;
    }

    [Fact]
    public async Task The_timer_payload_round_trip_closes_months_and_a_second_run_changes_nothing()
    {
        var (api, seller, buyer) = await MarketAsync();
        try
        {
            await TradeAsync(api, seller, buyer, "2024-06-30T23:30:00+08:00", 2m);
            await TradeAsync(api, seller, buyer, "2024-07-01T00:10:00+08:00", 3m);
            await TradeAsync(api, seller, buyer, "2024-05-02T09:00:00+08:00", 1.5m, "131024", "VOCs");
            var before = (await api.Admin.GetJsonAsync("/api/aggregates/period?region=1310&from=2024-05&to=2024-07")).Expect(200).Body;
            Assert.False(before["closed"]!.Value<bool>());
            (await api.Admin.GetJsonAsync("/api/reports/2024-06?region=1310")).Expect(404);

            var logs = (JArray)(await CloseAsync(api.Server))["logs"]!;
            Assert.Contains(logs, l => l.Value<string>()!.StartsWith("Closed 2024-06: 1 trades, 2000.00 CNY", StringComparison.Ordinal));

            var after = (await api.Admin.GetJsonAsync("/api/aggregates/period?region=1310&from=2024-05&to=2024-07")).Expect(200).Body;
            Assert.True(after["closed"]!.Value<bool>());
            Assert.Equal(before["trades"], after["trades"]);
            Assert.Equal(before["amount"], after["amount"]);

            var june = (await api.Admin.GetJsonAsync("/api/reports/2024-06?region=1310")).Expect(200).Body;
            Assert.Equal(1, june["trades"]!.Value<long>());
            Assert.Equal(2000.00m, june["amount"]!.Value<decimal>());
            var csv = await api.Admin.SendAsync(HttpMethod.Get, "/api/reports/2024-05?region=131024&format=csv");
            csv.Expect(200);
            Assert.Equal("text/csv", csv.ContentType?.MediaType);
            var bytes = await api.Admin.GetByteArrayAsync("/api/reports/2024-05?region=131024&format=csv");
            Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes[..3]);
            Assert.StartsWith("月份 Month", System.Text.Encoding.UTF8.GetString(bytes, 3, bytes.Length - 3));
            Assert.Contains("2024-05,131024,VOCs,1,1.5,1500.00", csv.Text);
            Assert.Contains("attachment", csv.Header("Content-Disposition"));

            var snapshot = await api.SnapshotAsync();
            var blobs = await ReportBlobsAsync(api.Storage);
            var second = (JArray)(await CloseAsync(api.Server))["logs"]!;
            Assert.Contains(second, l => l.Value<string>()!.StartsWith("Every month up to", StringComparison.Ordinal));
            Assert.Equal(snapshot, await api.SnapshotAsync());
            Assert.Equal(blobs, await ReportBlobsAsync(api.Storage));
        }
        finally { await api.DisposeAsync(); }
    }

    [Fact]
    public async Task A_closed_month_refuses_late_trades_and_a_live_counter_mismatch_is_logged_and_corrected()
    {
        var (api, seller, buyer) = await MarketAsync();
        try
        {
            await TradeAsync(api, seller, buyer, "2024-03-15T10:00:00+08:00", 4m);
            var retried = ApiFixture.Trade(seller, buyer, 0.5m, 1000m, 1, "131024", "VOCs", "2024-03-31T23:59:00+08:00");
            var first = (await api.Admin.PostJsonAsync("/api/trades", retried, ApiFixture.Key("retry-after-close"))).Expect(201);
            // Corrupt the live counter: the close must trust the trades.
            var row = (await api.Storage.Ledger.GetEntityAsync<TableEntity>("131000-SO2", "month:2024-03")).Value;
            row["Fen"] = 1L;
            await api.Storage.Ledger.UpdateEntityAsync(row, row.ETag);

            var logs = (JArray)(await CloseAsync(api.Server))["logs"]!;
            Assert.Contains(logs, l => l.Value<string>()!.StartsWith("Mismatch in 131000-SO2 2024-03", StringComparison.Ordinal));
            var closedRow = (await api.Storage.Ledger.GetEntityAsync<TableEntity>("131000-SO2", "month:2024-03")).Value;
            Assert.Equal(400_000, closedRow.GetInt64("Fen"));
            Assert.True(closedRow.GetBoolean("Closed"));
            Assert.Equal(4000.00m, (await api.Admin.GetJsonAsync("/api/aggregates/monthly?region=131000&month=2024-03")).Body["amount"]!.Value<decimal>());

            var late = await api.Admin.PostJsonAsync("/api/trades", ApiFixture.Trade(seller, buyer, 1m, 1000m, 1, "131000", "SO2", "2024-03-20T10:00:00+08:00"), ApiFixture.Key("late"));
            late.Expect(422);
            Assert.Contains("closed", late.Body["detail"]!.Value<string>());
            // Another market of that month is closed too (its month row says so).
            (await api.Admin.PostJsonAsync("/api/trades", ApiFixture.Trade(seller, buyer, 1m, 1000m, 1, "131024", "VOCs", "2024-03-20T10:00:00+08:00"), ApiFixture.Key("late2"))).Expect(422);
            // A month before the first one with trades was never closed (no figures were published for it): a trade
            // dated there is accepted, and the next run closes that month and publishes its report.
            (await api.Admin.GetJsonAsync("/api/reports/2024-02")).Expect(404);
            (await api.Admin.PostJsonAsync("/api/trades", ApiFixture.Trade(seller, buyer, 1m, 1000m, 1, "131024", "VOCs", "2024-02-20T10:00:00+08:00"), ApiFixture.Key("import"))).Expect(201);
            var logs2 = (JArray)(await CloseAsync(api.Server))["logs"]!;
            Assert.Contains(logs2, l => l.Value<string>()!.StartsWith("Closed 2024-02: 1 trades, 1000.00 CNY", StringComparison.Ordinal));
            Assert.Equal(1, (await api.Admin.GetJsonAsync("/api/reports/2024-02")).Expect(200).Body["trades"]!.Value<long>());
            (await api.Admin.PostJsonAsync("/api/trades", ApiFixture.Trade(seller, buyer, 1m, 1000m, 1, "131024", "VOCs", "2024-02-21T10:00:00+08:00"), ApiFixture.Key("late3"))).Expect(422);
            // A retry of a trade recorded before the close still gets its trade back, not a refusal.
            var again = (await api.Admin.PostJsonAsync("/api/trades", retried, ApiFixture.Key("retry-after-close"))).Expect(201);
            Assert.Equal(first.Text, again.Text);
            Assert.Equal("true", again.Header("Idempotent-Replayed"));
            // The current month stays open.
            await TradeAsync(api, seller, buyer, DateTimeOffset.UtcNow.AddMinutes(-1).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'"), 1m);
        }
        finally { await api.DisposeAsync(); }
    }

    [Fact]
    public async Task Two_instances_firing_CloseMonth_at_once_produce_one_report_and_the_same_snapshot()
    {
        var (api, seller, buyer) = await MarketAsync();
        try
        {
            for (var d = 1; d <= 6; d++) await TradeAsync(api, seller, buyer, $"2024-0{d}-28T23:45:00+08:00", d);
            await using var second = await api.StartServerAsync();
            var results = await Task.WhenAll(CloseAsync(api.Server), CloseAsync(second), CloseAsync(api.Server), CloseAsync(second));
            var logs = results.SelectMany(r => ((JArray)r["logs"]!).Select(l => l.Value<string>()!)).ToList();
            Assert.Single(logs, l => l.StartsWith("Closed 2024-03:", StringComparison.Ordinal));
            var blobs = await ReportBlobsAsync(api.Storage);
            Assert.Equal(2, blobs.Count(b => b.Name.StartsWith("2024/03/", StringComparison.Ordinal)));

            // Without the lease (the Azure host's at-least-once delivery), two closers at once still agree.
            var api2 = new ApiFixture();
            await api2.InitializeAsync();
            try
            {
                var s = (await api2.RegisterEnterpriseAsync("131000")).Value;
                var b = (await api2.RegisterEnterpriseAsync("131000")).Value;
                await api2.AllocateAsync(s, 100m, "131000", "SO2");
                for (var d = 1; d <= 4; d++) await TradeAsync(api2, s, b, $"2024-0{d}-10T12:00:00+08:00", d);
                await using var other = await api2.StartServerAsync();
                var closers = new[] { api2.Server.Services.GetRequiredService<MonthCloser>(), other.Services.GetRequiredService<MonthCloser>() };
                await Task.WhenAll(closers.Select(c => c.CloseEndedMonthsAsync(CancellationToken.None)));
                var snapshot = await api2.SnapshotAsync();
                var reports = await ReportBlobsAsync(api2.Storage);
                await closers[0].CloseEndedMonthsAsync(CancellationToken.None);
                Assert.Equal(snapshot, await api2.SnapshotAsync());
                Assert.Equal(reports, await ReportBlobsAsync(api2.Storage));
                Assert.Equal(3000.00m, (await api2.Admin.GetJsonAsync("/api/reports/2024-03")).Expect(200).Body["amount"]!.Value<decimal>());
            }
            finally { await api2.DisposeAsync(); }
        }
        finally { await api.DisposeAsync(); }
    }

    [Theory]
    [InlineData("""{"input":"","extra":1}""")]
    [InlineData("""{"input":1}""")]
    [InlineData("""[]""")]
    [InlineData("""not json""")]
    public async Task A_malformed_admin_body_is_refused_with_400(string payload)
    {
        var azurite = await Azurite.Shared;
        await using var server = await TestServer.StartAsync(azurite.ConnectionString, "tp" + Guid.NewGuid().ToString("N")[..8], ApiFixture.AdminKey);
        using var client = server.Client();
        var reply = await client.PostJsonAsync("/admin/functions/CloseMonth", payload);
        Assert.Equal(400, reply.Status);
        Assert.Equal("application/problem+json", reply.ContentType?.MediaType);
    }

    [Fact]
    public async Task The_admin_route_knows_only_timer_functions()
    {
        var azurite = await Azurite.Shared;
        await using var server = await TestServer.StartAsync(azurite.ConnectionString, "tn" + Guid.NewGuid().ToString("N")[..8], ApiFixture.AdminKey);
        using var client = server.Client();
        (await client.PostJsonAsync("/admin/functions/NoSuchTimer", Payload)).Expect(404);
        (await client.PostJsonAsync("/admin/functions/Health", Payload)).Expect(404);
        // The old custom-handler route is gone.
        (await client.PostJsonAsync("/CloseMonth", Payload)).Expect(404);
    }

    [Fact]
    public async Task Timer_calls_from_outside_the_machine_are_refused()
    {
        var context = new Microsoft.AspNetCore.Http.DefaultHttpContext { Connection = { RemoteIpAddress = System.Net.IPAddress.Parse("10.1.2.3") } };
        await Assert.ThrowsAsync<Trading.Core.ForbiddenException>(() => AdminFunctionEndpoint.InvokeAsync(context, "CloseMonth"));
    }

    [Fact]
    public async Task In_standalone_mode_a_past_due_CloseMonth_runs_at_start()
    {
        var (api, seller, buyer) = await MarketAsync();
        try
        {
            await TradeAsync(api, seller, buyer, "2024-02-10T10:00:00+08:00", 1m);
            await using var withTimers = await api.StartServerAsync(null, "--Trading:Timers=true");
            var deadline = DateTime.UtcNow.AddSeconds(60);
            JObject body;
            do
            {
                await Task.Delay(200);
                body = (await api.Admin.GetJsonAsync("/api/aggregates/monthly?region=131000&month=2024-02")).Body;
            } while (!body["closed"]!.Value<bool>() && DateTime.UtcNow < deadline);
            Assert.True(body["closed"]!.Value<bool>());
        }
        finally { await api.DisposeAsync(); }
    }

    private static async Task<List<(string Name, string Md5)>> ReportBlobsAsync(StorageContext storage)
    {
        var list = new List<(string, string)>();
        await foreach (BlobItem b in storage.Reports.GetBlobsAsync())
            list.Add((b.Name, Convert.ToBase64String(b.Properties.ContentHash ?? [])));
        return list.OrderBy(x => x.Item1, StringComparer.Ordinal).ToList();
    }
}

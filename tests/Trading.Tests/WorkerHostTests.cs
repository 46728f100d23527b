using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using Trading.Tests.FunctionsHost;
using Trading.Tests.FunctionsHost.Rpc;
using Trading.Tests.Support;

namespace Trading.Tests;

/// <summary>
/// The published worker, driven over the Functions host protocol by <see cref="TestFunctionsHost"/>, against the
/// standalone server: the same functions, the same answers, and timers that do their work.
/// </summary>
public sealed partial class WorkerHostTests(WorkerPair pair) : IClassFixture<WorkerPair>
{
    private const string Origin = "http://trading.test";

    /// <summary>An answer as compared: status, headers (but Date and framing), and the body with dates and trace ids masked.</summary>
    private sealed record Answer(int Status, string Headers, string Body)
    {
        public override string ToString() => $"{Status}\n{Headers}\n{Body}";
    }

    private static async Task<Answer> ReadAsync(HttpResponseMessage response)
    {
        var headers = response.Headers.Concat(response.Content.Headers)
            .Where(h => h.Key is not ("Date" or "Server" or "Transfer-Encoding" or "Content-Length"))
            .Select(h => $"{h.Key.ToLowerInvariant()}: {string.Join(",", h.Value)}").Order(StringComparer.Ordinal);
        var body = Encoding.UTF8.GetString(await response.Content.ReadAsByteArrayAsync());
        body = TraceIds().Replace(Dates().Replace(body, "<date>"), "\"traceId\":\"<trace>\"");
        // A trade's hash covers its recordedAt: it differs exactly when the date does.
        body = Hashes().Replace(body, "\"$1\":\"<hash of a dated record>\"");
        return new Answer((int)response.StatusCode, string.Join("\n", headers), body);
    }

    [GeneratedRegex(@"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})?")]
    private static partial Regex Dates();

    [GeneratedRegex("\"traceId\":\"[0-9a-f]{32}\"")]
    private static partial Regex TraceIds();

    [GeneratedRegex("\"(hash|previousHash)\":\"(?!0{64})[0-9a-f]{64}\"")]
    private static partial Regex Hashes();

    private static HttpRequestMessage Request(HttpMethod method, string path, string? key, string? json = null, string? idempotencyKey = null, string? bearer = null)
    {
        var request = new HttpRequestMessage(method, Origin + path);
        if (key is not null) request.Headers.Add("X-Api-Key", key);
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        if (bearer is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        if (json is not null) request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        return request;
    }

    private Task<Answer> WorkerAsync(HttpRequestMessage request) => SendAsync(pair.Host, request);

    private Task<Answer> StandaloneAsync(HttpRequestMessage request) => SendAsync(pair.Standalone, request);

    private static async Task<Answer> SendAsync(TestFunctionsHost host, HttpRequestMessage request)
    {
        var (response, invocation) = await host.SendAsync(request);
        Assert.NotNull(invocation);
        Assert.True(invocation.Result.Status == StatusResult.Types.Status.Success, $"{request.RequestUri}: {invocation.Result.Exception?.Message}");
        return await ReadAsync(response);
    }

    private static async Task<Answer> SendAsync(TestServer server, HttpRequestMessage request)
    {
        using var client = new HttpClient();
        request.Headers.Host = new Uri(Origin).Authority;
        request.RequestUri = new Uri(server.BaseAddress, request.RequestUri!.PathAndQuery);
        using var response = await client.SendAsync(request);
        return await ReadAsync(response);
    }

    [Fact]
    public void The_published_folder_is_what_Azure_Functions_takes()
    {
        var dir = pair.PublishedDirectory;
        foreach (var file in new[] { "functions.metadata", "worker.config.json", "host.json", "extensions.json", "Trading.Functions.dll" })
            Assert.True(File.Exists(Path.Combine(dir, file)), file);
        Assert.Empty(Directory.GetFiles(dir, "function.json", SearchOption.AllDirectories));
        Assert.True(File.Exists(dir + ".zip"));
        var host = JObject.Parse(File.ReadAllText(Path.Combine(dir, "host.json")));
        Assert.Null(host["customHandler"]);
        Assert.Equal("true", JObject.Parse(File.ReadAllText(Path.Combine(dir, "worker.config.json")))["description"]!["workerIndexing"]!.Value<string>());
    }

    [Fact]
    public void The_worker_reports_every_function_of_the_catalog_with_its_method_route_and_schedule() =>
        Assert.Equal(HostingTests.Catalog(), HostingTests.Declared(pair.Host.Reported));

    [Fact]
    public async Task The_worker_answers_every_kind_of_request_byte_for_byte_as_the_standalone_server_does()
    {
        var seller = ApiFixture.NewCreditCode("131000").Value;
        var buyer = ApiFixture.NewCreditCode("131000").Value;
        var admin = ApiFixture.AdminKey;
        string Enterprise(string code) => $$"""{"name":"测试企业 {{code[^6..]}}","region":"131000","industry":"IndustrialCoating","grade":"B","gradeValidUntil":"2027-12-31","positiveList":true,"creditRating":"Blue"}""";
        string Trade(decimal quantity, string tradedAt = "2024-06-30T23:30:00+08:00", string extra = "") =>
            $$"""{"region":"131000","pollutant":"SO2","seller":"{{seller}}","buyer":"{{buyer}}","quantity":{{quantity}},"unitPrice":6000,"termYears":5,"method":"Agreement","tradedAt":"{{tradedAt}}","reference":"contract test"{{extra}}}""";

        // The same state on both sides.
        var enterpriseKeys = new Dictionary<Func<HttpRequestMessage, Task<Answer>>, string>();
        foreach (var side in new Func<HttpRequestMessage, Task<Answer>>[] { StandaloneAsync, WorkerAsync })
        {
            Assert.Equal(201, (await side(Request(HttpMethod.Put, $"/api/enterprises/{seller}", admin, Enterprise(seller)))).Status);
            Assert.Equal(201, (await side(Request(HttpMethod.Put, $"/api/enterprises/{buyer}", admin, Enterprise(buyer)))).Status);
            Assert.Equal(201, (await side(Request(HttpMethod.Post, "/api/allocations", admin,
                $$"""{"holder":"{{seller}}","region":"131000","pollutant":"SO2","quantity":1000,"reference":"permit"}""", "alloc-1"))).Status);
            var issued = await side(Request(HttpMethod.Post, "/api/keys", admin, $$"""{"role":"enterprise","subject":"{{buyer}}"}"""));
            Assert.Equal(201, issued.Status);
            enterpriseKeys[side] = JObject.Parse(issued.Body)["key"]!.Value<string>()!;
        }

        var token = pair.Token("Trading.Official", "1310");
        var cases = new List<(string What, int Status, Func<Func<HttpRequestMessage, Task<Answer>>, Task<Answer>> Send)>
        {
            ("200 JSON", 200, side => side(Request(HttpMethod.Get, $"/api/enterprises/{seller}", admin))),
            ("201 with Idempotency-Key", 201, side => side(Request(HttpMethod.Post, "/api/trades", admin, Trade(2m), "trade-1"))),
            ("its replay", 201, side => side(Request(HttpMethod.Post, "/api/trades", admin, Trade(2m), "trade-1"))),
            ("400 strict JSON", 400, side => side(Request(HttpMethod.Post, "/api/trades", admin, Trade(2m, extra: ",\"bogus\":1"), "trade-2"))),
            ("400 duplicate member", 400, side => side(Request(HttpMethod.Post, "/api/trades", admin, Trade(2m, extra: ",\"quantity\":3"), "trade-2b"))),
            ("413 body over 64 KiB", 413, side => side(Request(HttpMethod.Post, "/api/trades", admin, Trade(2m, extra: $",\"pad\":\"{new string('x', 70_000)}\""), "trade-2c"))),
            ("401", 401, side => side(Request(HttpMethod.Get, "/api/trades", null))),
            ("403", 403, side => side(Request(HttpMethod.Post, "/api/trades", enterpriseKeys[side], Trade(1m), "trade-3"))),
            ("404", 404, side => side(Request(HttpMethod.Get, "/api/trades/131000-SO2-999", admin))),
            ("409 with available", 409, side => side(Request(HttpMethod.Post, "/api/trades", admin, Trade(5000m), "trade-4"))),
            ("200 list", 200, side => side(Request(HttpMethod.Get, "/api/trades?region=131000", admin))),
            ("bearer token", 200, side => side(Request(HttpMethod.Get, "/api/whoami", null, bearer: token))),
            ("portal page", 200, side => side(Request(HttpMethod.Get, "/api/dashboard", null))),
            ("openapi.json", 200, side => side(Request(HttpMethod.Get, "/api/openapi.json", null))),
        };
        await CompareAsync(cases);
        var conflict = JObject.Parse((await WorkerAsync(Request(HttpMethod.Post, "/api/trades", admin, Trade(5000m), "trade-4"))).Body);
        Assert.Equal(998m, conflict["available"]!.Value<decimal>());

        // CloseMonth on both sides: standalone through its admin route, the worker as the host fires it.
        using (var local = pair.Standalone.Client())
            Assert.Contains((await local.PostJsonAsync("/admin/functions/CloseMonth", """{"input":""}""")).Expect(202).Body["logs"]!,
                l => l.Value<string>()!.StartsWith("Closed 2024-06: 1 trades", StringComparison.Ordinal));
        var (closeMonth, logs) = await pair.Host.RunTimerAsync("CloseMonth");
        Assert.True(closeMonth.Result.Status == StatusResult.Types.Status.Success, closeMonth.Result.Exception?.Message);
        Assert.Contains(logs, l => l.Contains("Closed 2024-06: 1 trades", StringComparison.Ordinal));

        await CompareAsync(
        [
            ("422 closed month", 422, side => side(Request(HttpMethod.Post, "/api/trades", admin, Trade(1m, "2024-06-15T10:00:00+08:00"), "trade-5"))),
            ("CSV report", 200, side => side(Request(HttpMethod.Get, "/api/reports/2024-06?region=131000&format=csv", admin))),
            ("JSON report", 200, side => side(Request(HttpMethod.Get, "/api/reports/2024-06?region=131000", admin))),
        ]);
    }

    private async Task CompareAsync(IEnumerable<(string What, int Status, Func<Func<HttpRequestMessage, Task<Answer>>, Task<Answer>> Send)> cases)
    {
        foreach (var (what, status, send) in cases)
        {
            var standalone = await send(StandaloneAsync);
            var worker = await send(WorkerAsync);
            Assert.True(standalone.Status == status, $"{what}: standalone answered {standalone}");
            if (standalone != worker)
            {
                var file = Path.Combine(Path.GetTempPath(), "worker-vs-standalone-" + string.Concat(what.Where(char.IsLetterOrDigit)));
                await File.WriteAllTextAsync(file + ".standalone", standalone.ToString());
                await File.WriteAllTextAsync(file + ".worker", worker.ToString());
                Assert.Fail($"{what} (both answers in {file}.*):\n--- standalone\n{standalone}\n--- worker\n{worker}");
            }
        }
    }

    [Fact]
    public async Task With_storage_down_a_functions_exception_is_the_same_503_problem_in_both_hosts()
    {
        var down = Azurite.Unreachable();
        await using var standalone = await TestServer.StartAsync(down, "down", ApiFixture.AdminKey, null, "--Trading:StorageTimeout=00:00:02");
        await using var worker = await TestFunctionsHost.StartAsync(pair.PublishedDirectory, new Dictionary<string, string>
        {
            ["Trading__Storage"] = down, ["Trading__StoragePrefix"] = "down", ["Trading__AdminKey"] = ApiFixture.AdminKey,
            ["Trading__StorageTimeout"] = "00:00:02",
        });
        var trade = $$"""{"region":"131000","pollutant":"SO2","seller":"{{ApiFixture.NewCreditCode().Value}}","buyer":"{{ApiFixture.NewCreditCode().Value}}","quantity":1,"unitPrice":6000,"termYears":5,"method":"Agreement","tradedAt":"2024-06-30T23:30:00+08:00"}""";
        foreach (var request in new Func<HttpRequestMessage>[]
                 {
                     () => Request(HttpMethod.Get, "/api/health", null),
                     () => Request(HttpMethod.Post, "/api/trades", ApiFixture.AdminKey, trade, "down-1"),
                 })
        {
            var expected = await SendAsync(standalone, request());
            Assert.Equal(503, expected.Status);
            Assert.Contains("retry-after: 5", expected.Headers, StringComparison.Ordinal);
            Assert.Equal(expected, await SendAsync(worker, request()));
        }
    }

    [Fact]
    public async Task A_function_the_host_does_not_know_gets_the_hosts_404_and_a_timer_fired_over_the_protocol_settles_an_auction()
    {
        var (unknown, invocation) = await pair.Host.SendAsync(Request(HttpMethod.Get, "/api/nothing-here", ApiFixture.AdminKey));
        Assert.Equal(404, (int)unknown.StatusCode);
        Assert.Null(invocation);

        var admin = ApiFixture.AdminKey;
        var bidder = ApiFixture.NewCreditCode("131024").Value;
        Assert.Equal(201, (await WorkerAsync(Request(HttpMethod.Put, $"/api/enterprises/{bidder}", admin,
            """{"name":"竞买企业","region":"131024","industry":"IndustrialCoating","grade":"B","gradeValidUntil":"2027-12-31","positiveList":true,"creditRating":"Blue"}"""))).Status);
        Assert.Equal(201, (await WorkerAsync(Request(HttpMethod.Post, "/api/allocations", admin,
            """{"holder":"reserve","region":"131024","pollutant":"NOx","quantity":10,"reference":"reserve"}""", "reserve"))).Status);
        var closesAt = DateTimeOffset.UtcNow.AddSeconds(8);
        var auction = await WorkerAsync(Request(HttpMethod.Post, "/api/auctions", admin,
            $$"""{"region":"131024","pollutant":"NOx","quantity":1,"termYears":5,"startPrice":21000,"increment":500,"minLot":0.2,"opensAt":"{{DateTimeOffset.UtcNow.AddSeconds(-1):O}}","closesAt":"{{closesAt:O}}"}""", "auction"));
        Assert.Equal(201, auction.Status);
        var id = JObject.Parse(auction.Body)["id"]!.Value<string>();
        var key = JObject.Parse((await WorkerAsync(Request(HttpMethod.Post, "/api/keys", admin, $$"""{"role":"enterprise","subject":"{{bidder}}"}"""))).Body)["key"]!.Value<string>();
        Assert.Equal(201, (await WorkerAsync(Request(HttpMethod.Post, $"/api/auctions/{id}/bids", key, """{"quantity":0.5,"unitPrice":22000}""", "bid"))).Status);
        while (DateTimeOffset.UtcNow < closesAt.AddMilliseconds(300)) await Task.Delay(200);

        var (run, logs) = await pair.Host.RunTimerAsync("CloseAuctions");
        Assert.True(run.Result.Status == StatusResult.Types.Status.Success, run.Result.Exception?.Message);
        Assert.True(logs.Any(l => l.Contains(": 1 winner(s), 0.5 of 1 t/a sold.", StringComparison.Ordinal)), string.Join("\n", pair.Host.AllLogs) + "\n" + pair.Host.Output);
        var closed = JObject.Parse((await WorkerAsync(Request(HttpMethod.Get, $"/api/auctions/{id}", admin))).Body);
        Assert.Equal("closed", closed["status"]!.Value<string>());
        Assert.Equal(0.5m, closed["sold"]!.Value<decimal>());
    }
}

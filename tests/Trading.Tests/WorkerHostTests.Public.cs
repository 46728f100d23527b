using Trading.Tests.FunctionsHost;
using Trading.Tests.Support;

namespace Trading.Tests;

public sealed partial class WorkerHostTests
{
    [Fact]
    public async Task The_public_disclosure_answers_the_same_under_the_worker_without_a_key()
    {
        var seller = ApiFixture.NewCreditCode("131000").Value;
        var buyer = ApiFixture.NewCreditCode("131000").Value;
        var admin = ApiFixture.AdminKey;
        string Enterprise(string code) => $$"""{"name":"公示企业 {{code[^6..]}}","region":"131000","industry":"IndustrialCoating","grade":"B","gradeValidUntil":"2027-12-31","positiveList":true,"creditRating":"Blue"}""";
        foreach (var side in new Func<HttpRequestMessage, Task<Answer>>[] { StandaloneAsync, WorkerAsync })
        {
            Assert.Equal(201, (await side(Request(HttpMethod.Put, $"/api/enterprises/{seller}", admin, Enterprise(seller)))).Status);
            Assert.Equal(201, (await side(Request(HttpMethod.Put, $"/api/enterprises/{buyer}", admin, Enterprise(buyer)))).Status);
            Assert.Equal(201, (await side(Request(HttpMethod.Post, "/api/allocations", admin,
                $$"""{"holder":"{{seller}}","region":"131000","pollutant":"NOx","quantity":100,"reference":"permit"}""", "public-alloc"))).Status);
            Assert.Equal(201, (await side(Request(HttpMethod.Post, "/api/trades", admin,
                $$"""{"region":"131000","pollutant":"NOx","seller":"{{seller}}","buyer":"{{buyer}}","quantity":2,"unitPrice":5000,"termYears":3,"method":"Agreement","tradedAt":"2024-05-10T10:00:00+08:00","reference":"contract public"}""",
                "public-trade"))).Status);
        }
        await CompareAsync(
        [
            ("public trades", 200, side => side(Request(HttpMethod.Get, "/api/public/trades?region=131000&pollutant=NOx&from=2024-01&to=2024-12", null))),
            ("public trades, 25 months", 400, side => side(Request(HttpMethod.Get, "/api/public/trades?from=2023-01&to=2025-01", null))),
            ("public auctions", 200, side => side(Request(HttpMethod.Get, "/api/public/auctions?region=131000&status=closed", null))),
            ("public page", 200, side => side(Request(HttpMethod.Get, "/api/public", null))),
        ]);
        var shown = JObject.Parse((await WorkerAsync(Request(HttpMethod.Get, "/api/public/trades?region=131000&pollutant=NOx&from=2024-01&to=2024-12", null))).Body);
        var trade = Assert.Single((JArray)shown["items"]!);
        Assert.Equal("公示企业 " + seller[^6..], trade["seller"]!["name"]!.Value<string>());
        Assert.DoesNotContain(seller, shown.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Under_the_worker_the_limit_counts_the_address_the_front_end_forwarded()
    {
        var azurite = await Azurite.Shared;
        await using var worker = await TestFunctionsHost.StartAsync(pair.PublishedDirectory, new Dictionary<string, string>
        {
            ["Trading__Storage"] = azurite.ConnectionString, ["Trading__StoragePrefix"] = "wl" + Guid.NewGuid().ToString("N")[..8],
            ["Trading__AdminKey"] = ApiFixture.AdminKey, ["Trading__PublicRateLimit"] = "3",
        });
        HttpRequestMessage From(string address)
        {
            var request = Request(HttpMethod.Get, "/api/public/trades", null);
            // As a front end forwards it: the client's own claim first, the address it saw last (the one counted).
            request.Headers.Add("X-Forwarded-For", "10.9.8.7, " + address);
            return request;
        }
        // The minute could turn during the burst and start a new window: then the burst is tried again, in the new minute.
        Answer refused = null!;
        for (var attempt = 0; attempt < 2; attempt++)
        {
            if (DateTimeOffset.UtcNow.Second > 50) await Task.Delay(TimeSpan.FromSeconds(61 - DateTimeOffset.UtcNow.Second));
            var served = new List<int>();
            for (var i = 0; i < 3; i++) served.Add((await SendAsync(worker, From("203.0.113.9"))).Status);
            refused = await SendAsync(worker, From("203.0.113.9"));
            if (refused.Status == 429) { Assert.All(served, s => Assert.Equal(200, s)); break; }
        }
        Assert.Equal(429, refused.Status);
        Assert.Matches(@"(^|\n)retry-after: ([1-9]|[1-5][0-9]|60)(\n|$)", refused.Headers);
        Assert.Equal(429, JObject.Parse(refused.Body)["status"]!.Value<int>());
        Assert.Equal(200, (await SendAsync(worker, From("203.0.113.10"))).Status);
    }
}

using System.Net;
using System.Net.Sockets;
using Trading.Tests.Support;

namespace Trading.Tests;

/// <summary>The public routes' per-address limit on the real server (configured small here: Trading:PublicRateLimit=5).</summary>
public sealed class PublicRateLimitTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    /// <summary>A client whose connections come from <paramref name="local"/> (any 127.x address is this machine's loopback).</summary>
    private static HttpClient From(TestServer server, string local) => new(new SocketsHttpHandler
    {
        ConnectCallback = async (context, ct) =>
        {
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
            socket.Bind(new IPEndPoint(IPAddress.Parse(local), 0));
            await socket.ConnectAsync(context.DnsEndPoint, ct);
            return new NetworkStream(socket, ownsSocket: true);
        },
    }) { BaseAddress = server.BaseAddress };

    [Fact]
    public async Task A_client_past_the_limit_gets_429_with_Retry_After_while_other_addresses_and_keyed_routes_are_served()
    {
        await using var server = await api.StartServerAsync(null, "--Trading:PublicRateLimit=5");
        using var first = From(server, "127.0.0.2");
        // The minute could turn during the burst and start a new window: then the burst is tried again, in the new minute.
        Reply refused = null!;
        for (var attempt = 0; attempt < 2; attempt++)
        {
            if (DateTimeOffset.UtcNow.Second > 50) await Task.Delay(TimeSpan.FromSeconds(61 - DateTimeOffset.UtcNow.Second));
            var served = new List<int>();
            // Every public route counts against the same address.
            foreach (var path in new[] { "/api/public", "/api/public/trades", "/api/public/auctions?status=closed", "/api/public/trades?pollutant=SO2", "/api/public/trades" })
                served.Add((await first.GetJsonAsync(path)).Status);
            refused = await first.GetJsonAsync("/api/public/trades");
            if (refused.Status == 429) { Assert.All(served, s => Assert.Equal(200, s)); break; }
        }
        refused.Expect(429);
        Assert.StartsWith("application/problem+json", refused.ContentType!.ToString(), StringComparison.Ordinal);
        Assert.Equal(429, refused.Body["status"]!.Value<int>());
        var retryAfter = int.Parse(refused.Header("Retry-After")!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 1, 60);
        (await first.GetJsonAsync("/api/public")).Expect(429);
        // A forwarded-for header is not believed by the standalone server: the same address is still refused.
        using (var spoof = new HttpRequestMessage(HttpMethod.Get, "/api/public/trades"))
        {
            spoof.Headers.Add("X-Forwarded-For", "203.0.113.9");
            Assert.Equal(HttpStatusCode.TooManyRequests, (await first.SendAsync(spoof)).StatusCode);
        }
        // Another address has its own count; the keyed API is not limited.
        using var second = From(server, "127.0.0.3");
        (await second.GetJsonAsync("/api/public/trades")).Expect(200);
        using var admin = server.Client(ApiFixture.AdminKey);
        (await admin.GetJsonAsync("/api/trades")).Expect(200);
        (await first.GetJsonAsync("/api/health")).Expect(200);
    }
}

using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Trading.Core;

namespace Trading.Functions.Hosting;

/// <summary>
/// The per-client limit of the public (keyless) routes: at most <see cref="PerMinute"/> requests per client address in
/// each clock minute (a fixed window), then 429 with <c>Retry-After</c> (the seconds to the next minute) until it ends.
/// Configured by <c>Trading:PublicRateLimit</c> (requests per minute, default <see cref="DefaultPerMinute"/>).
/// <para>
/// It is called by the public handlers themselves, so it runs the same in both hosts (no ASP.NET Core middleware of
/// ours runs around a function under the Functions host). The client is <see cref="ConnectionInfo.RemoteIpAddress"/> in
/// both: standalone it is the connection's peer (an <c>X-Forwarded-For</c> header is never believed: anyone can send
/// one); under the Functions host the worker's ASP.NET Core integration applies the host's forwarded headers
/// (<c>UseForwardedHeaders</c>, the host on loopback being the known proxy), so it is the address the host forwarded, the
/// last entry of <c>X-Forwarded-For</c>, not the host's own. An IPv6 client is counted by its /64 (one subscriber's
/// block), so it cannot escape the limit by changing its low bits.
/// </para>
/// <para>
/// The counters live in this instance's memory. With several instances behind the load balancer, each counts only the
/// requests it served: a client spread over N instances gets up to N × the limit per minute, and an instance that
/// starts (scale-out) starts from zero. That is enough for its purpose (no single client hammers an instance or pages
/// the whole ledger in a loop) and costs no storage call per request; an exact limit across instances needs a shared
/// counter (a table row per client and minute written under If-Match, one more round trip on every public request) or
/// the limit at the edge (API Management's <c>rate-limit-by-key</c>, Front Door WAF rate rules), which is where a
/// deployment that needs it exactly should put it. Every counter is dropped when its minute ends, so memory stays bounded
/// by the clients of one minute.
/// </para>
/// </summary>
public sealed class PublicRateLimiter(IConfiguration configuration, TimeProvider time)
{
    public const int DefaultPerMinute = 120;
    public const string Setting = "Trading:PublicRateLimit";
    private static readonly TimeSpan s_window = TimeSpan.FromMinutes(1);

    private readonly Lock _gate = new();
    private Dictionary<string, int> _counts = new(StringComparer.Ordinal);
    private DateTimeOffset _windowEnd = DateTimeOffset.MinValue;

    /// <summary>Requests a client may make in one minute.</summary>
    public int PerMinute { get; } = LimitFrom(configuration);

    /// <summary>The configured limit: a whole number of at least 1, else <see cref="DefaultPerMinute"/>.</summary>
    public static int LimitFrom(IConfiguration configuration) =>
        int.TryParse(configuration[Setting], NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 1 ? n : DefaultPerMinute;

    /// <summary>Counts the request against its client, or throws <see cref="TooManyRequestsException"/> (429) past the limit.</summary>
    public void Admit(HttpContext context)
    {
        if (!TryAdmit(ClientOf(context), out var retryAfter))
            throw new TooManyRequestsException(
                $"More than {PerMinute} requests a minute from your address to the public routes; retry after {Math.Ceiling(retryAfter.TotalSeconds)} s.",
                retryAfter);
    }

    /// <summary>Counts one request of <paramref name="client"/>; false (and the time to wait) when it is past the limit.</summary>
    public bool TryAdmit(string client, out TimeSpan retryAfter)
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            if (now >= _windowEnd)
            {
                _counts = new(StringComparer.Ordinal);
                _windowEnd = new DateTimeOffset(now.Ticks - now.Ticks % s_window.Ticks, TimeSpan.Zero) + s_window;
            }
            retryAfter = _windowEnd - now;
            _counts.TryGetValue(client, out var count);
            if (count >= PerMinute) return false;
            _counts[client] = count + 1;
            return true;
        }
    }

    /// <summary>The address a request is counted under (see the class's remarks).</summary>
    public static string ClientOf(HttpContext context)
    {
        var address = context.Connection.RemoteIpAddress;
        if (address is null) return "unknown";
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            var bytes = address.GetAddressBytes();
            Array.Clear(bytes, 8, 8);
            return new IPAddress(bytes) + "/64";
        }
        return address.ToString();
    }
}

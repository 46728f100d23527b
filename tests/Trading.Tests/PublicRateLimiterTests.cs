using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Time.Testing;
using Trading.Core;
using Trading.Core.Primitives;
using Trading.Functions;
using Trading.Functions.Hosting;

namespace Trading.Tests;

/// <summary>The public routes' limiter and month window without a server: the default, the window, the client's address.</summary>
public sealed class PublicRateLimiterTests
{
    private static PublicRateLimiter Limiter(FakeTimeProvider time, string? setting = null) => new(
        new ConfigurationBuilder().AddInMemoryCollection(setting is null ? [] : [new(PublicRateLimiter.Setting, setting)]).Build(), time);

    [Fact]
    public void The_default_is_120_requests_a_minute_per_client_then_refused_until_the_minute_ends()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 4, 10, 0, 15, TimeSpan.Zero));
        var limiter = Limiter(time);
        Assert.Equal(120, limiter.PerMinute);
        for (var i = 0; i < 120; i++) Assert.True(limiter.TryAdmit("198.51.100.7", out _));
        Assert.False(limiter.TryAdmit("198.51.100.7", out var retryAfter));
        Assert.Equal(TimeSpan.FromSeconds(45), retryAfter);
        Assert.True(limiter.TryAdmit("198.51.100.8", out _));
        time.Advance(TimeSpan.FromSeconds(44));
        Assert.False(limiter.TryAdmit("198.51.100.7", out retryAfter));
        Assert.Equal(TimeSpan.FromSeconds(1), retryAfter);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(limiter.TryAdmit("198.51.100.7", out _));
    }

    [Theory]
    [InlineData("5", 5)]
    [InlineData("1", 1)]
    [InlineData("0", 120)]
    [InlineData("-3", 120)]
    [InlineData("many", 120)]
    public void The_limit_is_configured_by_Trading_PublicRateLimit(string setting, int expected) =>
        Assert.Equal(expected, Limiter(new FakeTimeProvider(), setting).PerMinute);

    [Fact]
    public void Past_the_limit_Admit_throws_429_with_the_wait()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 4, 10, 0, 59, 500, TimeSpan.Zero));
        var limiter = Limiter(time, "1");
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = System.Net.IPAddress.Parse("198.51.100.7");
        limiter.Admit(context);
        var refused = Assert.Throws<TooManyRequestsException>(() => limiter.Admit(context));
        Assert.Equal(TimeSpan.FromMilliseconds(500), refused.RetryAfter);
    }

    [Theory]
    [InlineData("198.51.100.7", null, "198.51.100.7")]
    [InlineData("198.51.100.7", "203.0.113.9", "198.51.100.7")] // a forwarded-for header is anyone's to send: not believed
    [InlineData("2001:db8:1:2:aaaa:bbbb:cccc:dddd", null, "2001:db8:1:2::/64")]
    [InlineData("::ffff:198.51.100.7", null, "198.51.100.7")]
    public void A_client_is_its_address_IPv6_by_its_64(string remote, string? forwarded, string expected)
    {
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = System.Net.IPAddress.Parse(remote);
        if (forwarded is not null) context.Request.Headers["X-Forwarded-For"] = forwarded;
        Assert.Equal(expected, PublicRateLimiter.ClientOf(context));
    }

    [Theory]
    [InlineData("2023-01", "2024-12", null, "2023-01", "2024-12")]
    [InlineData("2023-01", null, null, "2023-01", "2024-12")]
    [InlineData(null, "2024-12", null, "2023-01", "2024-12")]
    [InlineData(null, null, null, "2025-01", "2026-12")]              // neither: the 24 months to this one
    [InlineData("2023-01", "2025-01", "to", null, null)]
    [InlineData("2024-02", "2024-01", "from", null, null)]
    public void A_request_covers_at_most_24_months(string? from, string? to, string? error, string? first, string? last)
    {
        var errors = new FieldErrors();
        var current = new ReportingMonth(2026, 12);
        var (f, t) = PublicApi.Months(from is null ? null : ReportingMonth.Parse(from), to is null ? null : ReportingMonth.Parse(to), current, errors);
        if (error is null)
        {
            Assert.Equal((ReportingMonth.Parse(first), ReportingMonth.Parse(last)), (f, t));
            errors.ThrowIfAny();
        }
        else Assert.Equal(error, Assert.Single(Assert.Throws<ValidationException>(errors.ThrowIfAny).Errors).Key);
    }
}

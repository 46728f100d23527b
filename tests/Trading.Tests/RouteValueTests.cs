using Trading.Tests.Support;

namespace Trading.Tests;

/// <summary>Every route with a path parameter, given values that are not ids: refused (400/404), never 500 (issue 14).</summary>
public sealed class RouteValueTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private static readonly string[] s_gets =
    [
        "allocations/{x}", "auctions/{x}", "auctions/{x}/bids/mine", "banks/{x}/loan-applications", "banks/{x}/products", "banks/{x}/products/{x}",
        "banks/{x}/products/{x}/eligibility/{x}", "banks/{x}/products/{x}/eligible", "banks/ICBC-LF/products/{x}", "banks/ICBC-LF/products/{x}/eligible",
        "enterprises/{x}", "enterprises/{x}/eligible-products", "enterprises/{x}/holdings", "enterprises/{x}/loan-applications", "imports/{x}",
        "listings/{x}", "markets/{x}/prices", "markets/{x}/verify", "pledges/{x}", "reports/{x}", "trade-proposals/{x}", "trades/{x}", "loans/{x}",
        "alerts/{x}", "alerts/{x}/measures", "alerts/{x}/summary", "enterprises/{x}/measures", "enterprises/{x}/emergency-plan", "emergency-rules/{x}",
    ];

    private static readonly string[] s_posts =
    [
        "allocations/{x}/revoke", "auctions/{x}/bids", "listings/{x}/take", "listings/{x}/withdraw", "loan-applications/{x}/approve",
        "loan-applications/{x}/decline", "loans/{x}/repay", "pledges/{x}/accept", "pledges/{x}/cancel", "pledges/{x}/reject", "pledges/{x}/release",
        "trade-proposals/{x}/cancel", "trade-proposals/{x}/confirm", "trade-proposals/{x}/reject", "alerts/{x}/lift",
    ];

    public static TheoryData<string> Values => new()
    {
        "%27", "%27%27%20or%20true", "%23", "%3F", "a%5Cb", "%ED%A0%80", "%FF", "%E2%80%8B", "%01", "..", "x".PadRight(1100, 'x'),
        "131000-SO2-%27", "131000-SO2-9999999999999999999999", "131000-SO2--1", "131000-SO2-0", "9999-99", "2024-06",
    };

    [Theory]
    [MemberData(nameof(Values))]
    public async Task A_path_value_that_is_no_id_is_refused_never_500(string value)
    {
        var failures = new List<string>();
        foreach (var route in s_gets)
        {
            var reply = await api.Admin.GetJsonAsync("/api/" + route.Replace("{x}", value));
            if (reply.Status >= 500 || (reply.Status >= 400 && reply.ContentType?.MediaType != "application/problem+json")) failures.Add($"GET {route}: {reply}");
        }
        var before = await api.SnapshotAsync();
        foreach (var route in s_posts)
        {
            var reply = await api.Admin.SendAsync(HttpMethod.Post, "/api/" + route.Replace("{x}", value), "{}", ApiFixture.Key(Guid.NewGuid().ToString()));
            if (reply.Status is < 400 or >= 500 || reply.ContentType?.MediaType != "application/problem+json") failures.Add($"POST {route}: {reply}");
        }
        var delete = await api.Admin.DeleteJsonAsync("/api/keys/" + value);
        if (delete.Status is < 400 or >= 500) failures.Add($"DELETE keys: {delete}");
        Assert.Empty(failures);
        Assert.Equal(before, await api.SnapshotAsync());
    }
}

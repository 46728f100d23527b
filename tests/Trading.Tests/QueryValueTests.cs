using Trading.Tests.Support;

namespace Trading.Tests;

/// <summary>Every GET route's query parameters, one at a time given garbage among valid others: never 500 (issue 14).</summary>
public sealed class QueryValueTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private static readonly string[] s_routes =
    [
        "trades", "enterprises", "keys", "listings", "auctions", "trade-proposals", "pledges", "loans", "aggregates/monthly", "aggregates/period",
        "aggregates/loans", "markets", "markets/131000-SO2/prices", "reports/2024-06", "banks/HXB-LF/loan-applications", "banks/HXB-LF/products/p/eligible",
        "enterprises/{code}/loan-applications", "enterprises/{code}/holdings", "enterprises/{code}/eligible-products",
    ];

    private static readonly Dictionary<string, string> s_valid = new()
    {
        ["region"] = "1310", ["pollutant"] = "SO2", ["from"] = "2024-01", ["to"] = "2024-06", ["month"] = "2024-06", ["status"] = "open",
        ["grade"] = "B", ["format"] = "json", ["pageSize"] = "10",
    };

    private static readonly string[] s_names =
        ["region", "pollutant", "from", "to", "month", "party", "status", "grade", "holder", "bankId", "borrower", "format", "method", "pageSize", "continuationToken"];

    public static TheoryData<string> Values => new()
    {
        "", "%00", "%27", "%ED%A0%80", "-1", "99999999999999999999", "13,14", "%20SO2", "reserve", "x".PadRight(3000, '9'), "1310%27%20or%20%271%27%3D%271",
    };

    [Theory]
    [MemberData(nameof(Values))]
    public async Task A_query_value_that_means_nothing_is_refused_never_500(string value)
    {
        var code = ApiFixture.NewCreditCode().Value;
        var failures = new List<string>();
        foreach (var route in s_routes)
        {
            foreach (var name in s_names)
            {
                var query = string.Join("&", s_valid.Where(p => p.Key != name).Select(p => $"{p.Key}={p.Value}").Append($"{name}={value}"));
                var reply = await api.Admin.GetJsonAsync($"/api/{route.Replace("{code}", code)}?{query}");
                if (reply.Status >= 500 || (reply.Status >= 400 && reply.ContentType?.MediaType != "application/problem+json"))
                    failures.Add($"{route}?{name}={value}: {reply}");
            }
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }
}

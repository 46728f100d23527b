using Trading.Tests.Support;

namespace Trading.Tests;

/// <summary>
/// Every write's body with each number or time replaced by an extreme (huge, tiny, year 1 or 9999, not a date): never
/// 500 (issue 14). What is refused is refused with a problem document; an extreme that is valid may be accepted.
/// </summary>
public sealed class ExtremeBodyTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private static readonly string[] s_numbers =
    [
        "1e400", "-1e400", "1e-400", "79228162514264337593543950336", "-79228162514264337593543950336", "79228162514264337593543950335",
        "7922816251426433759354395033.5", "0.0000000000000000000000000001", "-0.0", "1e28", "9223372036854775807", "9223372036854775808",
        "2147483648", "-2147483649", "123456789012345678901234567890123456789012345678901234567890",
    ];

    private static readonly string[] s_times =
    [
        "0001-01-01T00:00:00+00:00", "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59+00:00", "9999-12-31T23:59:59-14:00",
        "9999-12-31T23:59:59.9999999+00:00", "9998-12-31T23:59:59+08:00", "2024-02-30T00:00:00Z", "2024-06-30T24:00:00Z", "2024-06-30T23:30:00+99:99",
        "1999-12-31T23:59:59+08:00", "2000-01-01T00:00:00+08:00",
    ];

    private static readonly string[] s_dates = ["0001-01-01", "9999-12-31", "9998-12-31", "2024-02-30", "2024-13-01", "99999-01-01"];

    private async Task<List<string>> SweepAsync(HttpClient client, HttpMethod method, string path, string body, (string Member, string[] Values)[] fields)
    {
        var failures = new List<string>();
        foreach (var (member, values) in fields)
        {
            var match = System.Text.RegularExpressions.Regex.Match(body, $"\"{member}\":(\"[^\"]*\"|[-0-9.eE+]+)");
            Assert.True(match.Success, $"{member} in {body}");
            foreach (var value in values)
            {
                var text = body.Replace(match.Value, $"\"{member}\":{value}");
                var reply = await client.SendAsync(method, path, text, ApiFixture.Key(Guid.NewGuid().ToString()));
                if (reply.Status >= 500 || (reply.Status >= 400 && reply.ContentType?.MediaType != "application/problem+json"))
                    failures.Add($"{method} {path} {member}={value}: {reply}");
            }
        }
        return failures;
    }

    private static string[] Quoted(string[] values) => [.. values.Select(v => $"\"{v}\"")];

    [Fact]
    public async Task No_number_or_time_in_any_body_is_a_500()
    {
        var firm = (await api.RegisterEnterpriseAsync("131024")).Value;
        var other = (await api.RegisterEnterpriseAsync("131024")).Value;
        await api.AllocateAsync(firm, 100m, "131000", "PM");
        await api.AllocateAsync("reserve", 100m, "131000", "PM");
        using var bank = api.Server.Client(await api.IssueKeyAsync("bank", "HXB-LF"));
        using var firmClient = api.Server.Client(await api.IssueKeyAsync("enterprise", firm));
        var product = """{"name":"p","minGrade":"B","allowUngraded":false,"minCreditRating":"Blue","requirePositiveList":false,"industries":[],"regions":["1310"],"minAmount":100000,"maxAmount":5000000,"annualRatePct":3.45,"termMonths":36,"pledge":{"pollutants":["PM"],"loanToValue":0.7}}""";
        (await bank.SendAsync(HttpMethod.Put, "/api/banks/HXB-LF/products/pm", product)).Expect(201);
        var numbers = s_numbers;
        var times = Quoted(s_times);
        var failures = new List<string>();

        failures.AddRange(await SweepAsync(bank, HttpMethod.Put, "/api/banks/HXB-LF/products/px", product,
            [("minAmount", numbers), ("maxAmount", numbers), ("annualRatePct", numbers), ("termMonths", numbers), ("loanToValue", numbers)]));
        failures.AddRange(await SweepAsync(api.Admin, HttpMethod.Post, "/api/listings",
            """{"region":"131000","pollutant":"PM","seller":"reserve","quantity":1.5,"unitPrice":3000.00,"termYears":2,"minLot":0.5,"expiresAt":"2099-01-01T00:00:00+08:00"}""",
            [("quantity", numbers), ("unitPrice", numbers), ("termYears", numbers), ("minLot", numbers), ("expiresAt", times)]));
        failures.AddRange(await SweepAsync(api.Admin, HttpMethod.Post, "/api/auctions",
            """{"region":"131000","pollutant":"PM","quantity":1.5,"termYears":2,"startPrice":3000.00,"increment":10.00,"minLot":0.5,"opensAt":"2024-01-01T00:00:00+08:00","closesAt":"2024-01-02T00:00:00+08:00"}""",
            [("quantity", numbers), ("termYears", numbers), ("startPrice", numbers), ("increment", numbers), ("minLot", numbers), ("opensAt", times), ("closesAt", times)]));
        failures.AddRange(await SweepAsync(api.Admin, HttpMethod.Post, "/api/pledges",
            $$"""{"bankId":"HXB-LF","holder":"{{firm}}","region":"131000","pollutant":"PM","quantity":1.5,"loanAmount":100000.00,"reference":"r","expiresAt":"2099-01-01T00:00:00+08:00"}""",
            [("quantity", numbers), ("loanAmount", numbers), ("expiresAt", times)]));
        failures.AddRange(await SweepAsync(bank, HttpMethod.Post, "/api/loans",
            $$"""{"bankId":"HXB-LF","borrower":"{{firm}}","amount":100000.00,"annualRatePct":3.45,"termMonths":36,"grantedAt":"2024-06-01T00:00:00+08:00","reference":"r"}""",
            [("amount", numbers), ("annualRatePct", numbers), ("termMonths", numbers), ("grantedAt", times)]));
        failures.AddRange(await SweepAsync(firmClient, HttpMethod.Post, "/api/loan-applications",
            """{"bankId":"HXB-LF","productId":"pm","amount":100000.00,"purpose":"p"}""", [("amount", numbers)]));
        failures.AddRange(await SweepAsync(firmClient, HttpMethod.Post, "/api/trade-proposals",
            $$"""{"region":"131000","pollutant":"PM","seller":"{{firm}}","buyer":"{{other}}","quantity":1.5,"unitPrice":3000.00,"termYears":2,"method":"Agreement","reference":"r","expiresAt":"2099-01-01T00:00:00+08:00"}""",
            [("quantity", numbers), ("unitPrice", numbers), ("termYears", numbers), ("expiresAt", times)]));
        failures.AddRange(await SweepAsync(api.Admin, HttpMethod.Post, "/api/keys", """{"role":"official","subject":"1310","expiresAt":"2099-01-01T00:00:00+08:00"}""",
            [("expiresAt", times)]));
        failures.AddRange(await SweepAsync(api.Admin, HttpMethod.Put, $"/api/enterprises/{firm}",
            """{"name":"n","region":"131024","industry":"IndustrialCoating","grade":"B","gradeValidUntil":"2027-12-31","positiveList":true,"creditRating":"Blue"}""",
            [("gradeValidUntil", Quoted(s_dates))]));
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Theory]
    [InlineData(12_000, "\"13\"")]
    [InlineData(5_000, "\"131024\"")]
    [InlineData(6_000, "\"Furniture\"")]
    public async Task A_product_with_a_list_as_long_as_a_body_allows_is_never_500(int count, string item)
    {
        using var bank = api.Server.Client(await api.IssueKeyAsync("bank", "HXB-LF"));
        var list = "[" + string.Join(",", Enumerable.Repeat(item, count)) + "]";
        var member = item.Length > 8 ? "industries" : "regions";
        var product = $$"""{"name":"p","minGrade":"B","allowUngraded":false,"minCreditRating":"Blue","requirePositiveList":false,"industries":[],"regions":[],"minAmount":100000,"maxAmount":5000000,"annualRatePct":3.45,"termMonths":36}""";
        var reply = await bank.SendAsync(HttpMethod.Put, "/api/banks/HXB-LF/products/long-list", product.Replace($"\"{member}\":[]", $"\"{member}\":{list}"));
        Assert.True(reply.Status is 200 or 201 or 400 or 413 or 422, reply.ToString());
    }
}

using Trading.Core.Primitives;
using Trading.Tests.Support;

namespace Trading.Tests;

/// <summary>Green loans over HTTP against real Azurite: apply, approve with a pledge, repay, release; figures from counters.</summary>
public sealed class LoanApiTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private static string Ago(TimeSpan span) => DateTimeOffset.UtcNow.Subtract(span).ToString("yyyy-MM-dd'T'HH:mm:ssK");

    private async Task<string> FirmAsync(string region, string grade = "A", string rating = "Green")
    {
        var code = ApiFixture.NewCreditCode(region);
        (await api.Admin.PutJsonAsync($"/api/enterprises/{code}", new
        {
            name = "贷款企业" + code.Value[^4..], region, industry = "IndustrialCoating", grade, gradeValidUntil = "2099-12-31", positiveList = true, creditRating = rating,
        })).Expect(201);
        return code.Value;
    }

    [Fact]
    public async Task Apply_approve_with_a_pledge_repay_and_release_and_banks_keep_to_their_own()
    {
        var firm = await FirmAsync("131024");
        var other = await FirmAsync("131024");
        await api.AllocateAsync(firm, 100m, "131000", "PM");
        await api.AllocateAsync("reserve", 10m, "131000", "PM");
        (await api.Admin.PostJsonAsync("/api/trades", ApiFixture.Trade("reserve", other, 2m, 3000m, 2, "131000", "PM", Ago(TimeSpan.FromDays(10)), "ReserveSale"), ApiFixture.Key("price"))).Expect(201);
        await api.SecondSellerAsync("131000", "PM", 3000m, 2, Ago(TimeSpan.FromDays(10)));
        using var bank = api.Server.Client(await api.IssueKeyAsync("bank", "HXB-LF"));
        using var otherBank = api.Server.Client(await api.IssueKeyAsync("bank", "SPDB-LF"));
        using var firmClient = api.Server.Client(await api.IssueKeyAsync("enterprise", firm));
        (await bank.PutJsonAsync("/api/banks/HXB-LF/products/pm-pledge", new
        {
            name = "排污权质押贷", minGrade = "B", allowUngraded = false, minCreditRating = "Blue", requirePositiveList = false, industries = Array.Empty<string>(),
            regions = new[] { "1310" }, minAmount = 100_000m, maxAmount = 5_000_000m, annualRatePct = 3.45m, termMonths = 36,
            pledge = new { pollutants = new[] { "PM" }, loanToValue = 0.7m },
        })).Expect(201);

        // 100 t × 3,000 × 3 years × 0.7 = 630,000.00: more is refused with the reasons.
        var offer = new { region = "131000", pollutant = "PM", quantity = 96m };
        var refused = (await firmClient.PostJsonAsync("/api/loan-applications", new { bankId = "HXB-LF", productId = "pm-pledge", amount = 700_000m, purpose = "技改", pledge = offer }, ApiFixture.Key("too-much"))).Expect(422).Body;
        Assert.Contains("limit", refused["reasons"]![0]!.Value<string>());
        // A pledge product needs the rights offered, enough of them: 600,000 / (3,000 × 3 years × 0.7) = 95.238096 t.
        (await firmClient.PostJsonAsync("/api/loan-applications", new { bankId = "HXB-LF", productId = "pm-pledge", amount = 600_000m, purpose = "技改" }, ApiFixture.Key("no-pledge"))).Expect(422);
        var few = (await firmClient.PostJsonAsync("/api/loan-applications", new { bankId = "HXB-LF", productId = "pm-pledge", amount = 600_000m, pledge = offer with { quantity = 95.238095m } }, ApiFixture.Key("few"))).Expect(422);
        Assert.Equal(95.238096m, few.Body["needed"]!.Value<decimal>());
        var gone = (await firmClient.PostJsonAsync("/api/loan-applications", new { bankId = "HXB-LF", productId = "pm-pledge", amount = 600_000m, pledge = offer with { quantity = 100.5m } }, ApiFixture.Key("gone"))).Expect(409);
        Assert.Equal(100m, gone.Body["available"]!.Value<decimal>());
        var application = (await firmClient.PostJsonAsync("/api/loan-applications", new { bankId = "HXB-LF", productId = "pm-pledge", amount = 600_000m, purpose = "技改", pledge = offer }, ApiFixture.Key("apply"))).Expect(201);
        Assert.Equal("submitted", application.Body["status"]!.Value<string>());
        var id = application.Body["id"]!.Value<string>();
        Assert.Equal($"/api/loan-applications/{id}", application.Header("Location"));
        Assert.Single((JArray)(await firmClient.GetJsonAsync($"/api/enterprises/{firm}/loan-applications")).Expect(200).Body["items"]!);
        var frozen = (await api.Admin.GetJsonAsync($"/api/enterprises/{firm}/holdings")).Array.Single(h => h["pollutant"]!.Value<string>() == "PM");
        Assert.Equal((96m, 0m, 4m), (frozen["frozen"]!.Value<decimal>(), frozen["pledged"]!.Value<decimal>(), frozen["available"]!.Value<decimal>()));

        // Another bank neither sees nor decides it.
        (await otherBank.GetJsonAsync("/api/banks/HXB-LF/loan-applications")).Expect(403);
        Assert.Empty((JArray)(await otherBank.GetJsonAsync("/api/banks/SPDB-LF/loan-applications")).Expect(200).Body["items"]!);
        var approval = new { amount = 500_000m, annualRatePct = 3.45m, termMonths = 36, grantedAt = Ago(TimeSpan.FromMinutes(1)), pledge = new { quantity = 80m } };
        (await otherBank.PostJsonAsync($"/api/loan-applications/{id}/approve", approval)).Expect(404);
        // At most what was offered, at most what was applied for.
        var tooMuch = (await bank.PostJsonAsync($"/api/loan-applications/{id}/approve", approval with { pledge = new { quantity = 96.000001m } })).Expect(422);
        Assert.Contains("96", tooMuch.Body["detail"]!.Value<string>());
        (await bank.PostJsonAsync($"/api/loan-applications/{id}/approve", approval with { amount = 600_000.01m })).Expect(422);
        Assert.Equal("submitted", ((JArray)(await bank.GetJsonAsync("/api/banks/HXB-LF/loan-applications")).Body["items"]!).Single()["status"]!.Value<string>());

        var granted = (await bank.PostJsonAsync($"/api/loan-applications/{id}/approve", approval)).Expect(200).Body;
        Assert.Equal("granted", granted["status"]!.Value<string>());
        var loanId = granted["loan"]!["id"]!.Value<string>();
        Assert.Equal(500_000m, granted["loan"]!["amount"]!.Value<decimal>());
        Assert.Equal(granted.ToString(), (await bank.PostJsonAsync($"/api/loan-applications/{id}/approve", approval)).Expect(200).Body.ToString());
        (await bank.PostJsonAsync($"/api/loan-applications/{id}/decline", new { reason = "late" })).Expect(409);
        var loan = Assert.Single((JArray)(await firmClient.GetJsonAsync("/api/loans")).Expect(200).Body["items"]!);
        Assert.Equal(loanId, loan["id"]!.Value<string>());
        Assert.Equal(granted["loan"]!.ToString(), (await firmClient.GetJsonAsync($"/api/loans/{loanId}")).Expect(200).Body.ToString());
        (await otherBank.GetJsonAsync($"/api/loans/{loanId}")).Expect(404);
        var pledgeId = loan["pledge"]!.Value<string>();

        // The pledged rights are not available for sale until released; what the bank did not take is available again.
        var holding = (await api.Admin.GetJsonAsync($"/api/enterprises/{firm}/holdings")).Array.Single(h => h["pollutant"]!.Value<string>() == "PM");
        Assert.Equal((80m, 0m, 20m), (holding["pledged"]!.Value<decimal>(), holding["frozen"]!.Value<decimal>(), holding["available"]!.Value<decimal>()));
        (await api.Admin.PostJsonAsync("/api/trades", ApiFixture.Trade(firm, other, 21m, 3000m, 1, "131000", "PM", Ago(TimeSpan.FromMinutes(1))), ApiFixture.Key("sell"))).Expect(409);

        // Repaid: the pledge is released with it.
        Assert.Equal("repaid", (await bank.PostJsonAsync($"/api/loans/{loanId}/repay", "{}")).Expect(200).Body["status"]!.Value<string>());
        (await otherBank.PostJsonAsync($"/api/loans/{loanId}/repay", "{}")).Expect(404);
        Assert.Equal("released", (await bank.GetJsonAsync($"/api/pledges?holder={firm}")).Body["items"]!.Single(p => p["id"]!.Value<string>() == pledgeId)["status"]!.Value<string>());
        Assert.Equal("released", (await bank.PostJsonAsync($"/api/pledges/{pledgeId}/release", "{}")).Expect(200).Body["status"]!.Value<string>());
        (await api.Admin.PostJsonAsync("/api/trades", ApiFixture.Trade(firm, other, 51m, 3000m, 1, "131000", "PM", Ago(TimeSpan.FromMinutes(1))), ApiFixture.Key("sell-2"))).Expect(201);
        Assert.Empty((JArray)(await otherBank.GetJsonAsync("/api/loans")).Expect(200).Body["items"]!);
    }

    [Fact]
    public async Task Loan_figures_equal_a_brute_force_recomputation_for_several_prefixes_and_ranges()
    {
        var random = new Random(9);
        var firms = new List<(string Code, string Region)>();
        foreach (var region in new[] { "139901", "139901", "139902", "139801", "139801" }) firms.Add((await FirmAsync(region), region));
        string[] banks = ["ABC-X", "BOC-X"];
        var keys = new Dictionary<string, HttpClient>();
        foreach (var b in banks) keys[b] = api.Server.Client(await api.IssueKeyAsync("bank", b));
        var loans = new List<(string Code, string Region, string Bank, ReportingMonth Month, decimal Amount)>();
        for (var i = 0; i < 30; i++)
        {
            var (code, region) = firms[random.Next(firms.Count)];
            var bank = banks[random.Next(banks.Length)];
            var month = new ReportingMonth(2023, 1).AddMonths(random.Next(20));
            var amount = random.Next(1, 5000) * 1000m;
            (await keys[bank].PostJsonAsync("/api/loans", new
            {
                bankId = bank, borrower = code, amount, annualRatePct = 3.5m, termMonths = 12,
                grantedAt = month.Start.AddDays(random.Next(27)).AddHours(9).ToString("yyyy-MM-dd'T'HH:mm:sszzz"), reference = "event " + i,
            }, ApiFixture.Key("loan-" + i))).Expect(201);
            loans.Add((code, region, bank, month, amount));
        }
        foreach (var prefix in new[] { "1399", "139901", "1398", "13" })
            foreach (var (from, to) in new[] { (new ReportingMonth(2023, 1), new ReportingMonth(2023, 12)), (new ReportingMonth(2023, 7), new ReportingMonth(2024, 6)), (new ReportingMonth(2024, 2), new ReportingMonth(2024, 2)) })
            {
                var body = (await api.Admin.GetJsonAsync($"/api/aggregates/loans?region={prefix}&from={from}&to={to}")).Expect(200).Body;
                var expected = loans.Where(l => l.Region.StartsWith(prefix, StringComparison.Ordinal) && l.Month >= from && l.Month <= to).ToList();
                Assert.Equal(expected.Select(l => l.Code).Distinct().Count(), body["firms"]!.Value<long>());
                Assert.Equal(expected.Count, body["loans"]!.Value<long>());
                Assert.Equal(expected.Sum(l => l.Amount), body["amount"]!.Value<decimal>());
                var previous = loans.Where(l => l.Region.StartsWith(prefix, StringComparison.Ordinal) && l.Month >= from.AddYears(-1) && l.Month <= to.AddYears(-1)).ToList();
                Assert.Equal(previous.Sum(l => l.Amount), body["previousYear"]!["amount"]!.Value<decimal>());
                Assert.Equal(expected.GroupBy(l => l.Bank).Count(), ((JArray)body["byBank"]!).Count);
            }
        // The loan counters are counted once: running the counter again changes nothing.
        var snapshot = await api.SnapshotAsync();
        using var host = api.Server.Client();
        (await host.PostJsonAsync("/admin/functions/CountLoans", """{"input":""}""")).Expect(202);
        Assert.Equal(snapshot, await api.SnapshotAsync());
        using var official = api.Server.Client(await api.IssueKeyAsync("official", "1398"));
        (await official.GetJsonAsync("/api/aggregates/loans?region=1399&from=2023-01&to=2023-12")).Expect(403);
    }
}

using Microsoft.Extensions.DependencyInjection;
using Trading.Core.Access;
using Trading.Core.Loans;
using Trading.Core.Loans.UseCases;
using Trading.Core.Primitives;
using Trading.Infra;
using Trading.Tests.Support;

namespace Trading.Tests;

/// <summary>
/// Pledge loans by consent over HTTP against real Azurite: the demo repro is refused, an approval interrupted between its
/// steps is finished by a retry (or by ExpireProposals) into exactly one loan and one active pledge, withdrawal releases.
/// </summary>
public sealed class PledgeLoanApiTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private const string Timer = """{"input":""}""";
    private static string Ago(TimeSpan span) => DateTimeOffset.UtcNow.Subtract(span).ToString("yyyy-MM-dd'T'HH:mm:ssK");

    /// <summary>A firm holding 65.044 t of SO2 in 131000 (priced by reserve sales), a bank with the demo's pledge product, and the firm's application.</summary>
    private async Task<(string Firm, HttpClient FirmClient, HttpClient Bank, string BankId, string Application)> ApplyAsync(string bankId, decimal offered)
    {
        var firm = ApiFixture.NewCreditCode("131024").Value;
        (await api.Admin.PutJsonAsync($"/api/enterprises/{firm}", new
        {
            name = "质押企业" + firm[^4..], region = "131024", industry = "IndustrialCoating", grade = "A", gradeValidUntil = "2099-12-31", positiveList = true, creditRating = "Green",
        })).Expect(201);
        await api.AllocateAsync(firm, 65.044m, "131000", "SO2");
        var buyer = (await api.RegisterEnterpriseAsync("131024")).Value;
        await api.AllocateAsync("reserve", 30m, "131000", "SO2");
        for (var i = 0; i < 3; i++)
            (await api.Admin.PostJsonAsync("/api/trades", ApiFixture.Trade("reserve", buyer, 2m, 5200m, 3, "131000", "SO2", Ago(TimeSpan.FromDays(10 + i)), "ReserveSale"),
                ApiFixture.Key($"{bankId}-price-{i}"))).Expect(201);
        await api.SecondSellerAsync("131000", "SO2", 5200m, 3, Ago(TimeSpan.FromDays(10)));
        var bank = api.Server.Client(await api.IssueKeyAsync("bank", bankId));
        var firmClient = api.Server.Client(await api.IssueKeyAsync("enterprise", firm));
        (await bank.PutJsonAsync($"/api/banks/{bankId}/products/pledge-so2-nox", new
        {
            name = "排污权质押贷", minGrade = "B", allowUngraded = false, minCreditRating = "Blue", requirePositiveList = false, industries = Array.Empty<string>(),
            regions = new[] { "1310" }, minAmount = 100_000m, maxAmount = 20_000_000m, annualRatePct = 3.45m, termMonths = 36,
            pledge = new { pollutants = new[] { "SO2", "NOx" }, loanToValue = 0.7m },
        })).Expect(201);
        var application = (await firmClient.PostJsonAsync("/api/loan-applications", new
        {
            bankId, productId = "pledge-so2-nox", amount = 100_000m, purpose = "技改", pledge = new { region = "131000", pollutant = "SO2", quantity = offered },
        }, ApiFixture.Key("apply"))).Expect(201).Body;
        Assert.Equal(offered, application["pledge"]!["quantity"]!.Value<decimal>());
        return (firm, firmClient, bank, bankId, application["id"]!.Value<string>()!);
    }

    private async Task<(decimal Held, decimal Pledged, decimal Frozen, decimal Available)> HoldingAsync(string firm)
    {
        var h = (await api.Admin.GetJsonAsync($"/api/enterprises/{firm}/holdings")).Expect(200).Array.Single(x => x["pollutant"]!.Value<string>() == "SO2");
        return (h["held"]!.Value<decimal>(), h["pledged"]!.Value<decimal>(), h["frozen"]!.Value<decimal>(), h["available"]!.Value<decimal>());
    }

    private static object Approval(decimal amount, decimal? quantity) => quantity is { } q
        ? new { amount, annualRatePct = 3.45m, termMonths = 36, grantedAt = Ago(TimeSpan.FromMinutes(1)), pledge = new { region = "131000", pollutant = "SO2", quantity = q } }
        : new { amount, annualRatePct = 3.45m, termMonths = 36, grantedAt = Ago(TimeSpan.FromMinutes(1)), pledge = (object?)null };

    [Fact]
    public async Task The_demo_repro_is_refused_above_what_was_applied_for_and_above_what_was_offered_and_holdings_are_unchanged()
    {
        var (firm, _, bank, _, id) = await ApplyAsync("REPRO-LF", 40m);
        var before = await HoldingAsync(firm);
        Assert.Equal((65.044m, 0m, 40m, 25.044m), before);

        var amount = (await bank.PostJsonAsync($"/api/loan-applications/{id}/approve", Approval(20_000_000m, 65.044m))).Expect(422).Body;
        Assert.Contains("applied for 100,000.00", amount["detail"]!.Value<string>());
        var pledge = (await bank.PostJsonAsync($"/api/loan-applications/{id}/approve", Approval(100_000m, 65.044m))).Expect(422).Body;
        Assert.Contains("40", pledge["detail"]!.Value<string>());
        Assert.Equal(before, await HoldingAsync(firm));
        Assert.Equal("submitted", (await bank.GetJsonAsync("/api/banks/REPRO-LF/loan-applications")).Body["items"]!.Single()["status"]!.Value<string>());
        Assert.Empty((JArray)(await bank.GetJsonAsync("/api/loans")).Expect(200).Body["items"]!);
    }

    [Fact]
    public async Task An_approval_interrupted_after_recording_the_terms_is_finished_by_a_retry_with_one_loan_and_one_active_pledge()
    {
        var (firm, firmClient, bank, bankId, id) = await ApplyAsync("ABORT-LF", 50m);
        Assert.True(LoanApplication.TryParseId(id, out var b, out var n));
        var services = api.Server.Services;
        // What the endpoint commits first, then the client aborts: the bank's terms recorded, nothing else.
        var terms = new LoanTerms(Money.FromFen(10_000_000), 3.45m, 36, DateTimeOffset.UtcNow.AddMinutes(-1));
        var region = RegionCode.Parse("131024");
        await services.GetRequiredService<BankWriter>().ExecuteAsync(
            new DecideApplication(b, n, new ApprovalRequest(terms, Quantity.FromGrams(30_000_000), null, Money.FromFen(10_000_000), region), null),
            Principal.Bank(b), null, _ => "{}", null, default);
        // Readers see it submitted, no loan, the offer frozen, nothing pledged.
        Assert.Equal("submitted", (await bank.GetJsonAsync($"/api/banks/{bankId}/loan-applications")).Body["items"]!.Single()["status"]!.Value<string>());
        Assert.Empty((JArray)(await bank.GetJsonAsync("/api/loans")).Body["items"]!);
        (await bank.GetJsonAsync($"/api/loans/{bankId}-LN1")).Expect(404);
        Assert.Equal((65.044m, 0m, 50m, 15.044m), await HoldingAsync(firm));

        // The same approval again finishes it: one loan, one active pledge, the rest available.
        var retry = new { amount = 100_000m, annualRatePct = 3.45m, termMonths = 36, grantedAt = terms.GrantedAt.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK"), pledge = new { quantity = 30m } };
        var granted = (await bank.PostJsonAsync($"/api/loan-applications/{id}/approve", retry)).Expect(200).Body;
        Assert.Equal(("granted", 100_000m, 30m), (granted["status"]!.Value<string>(), granted["loan"]!["amount"]!.Value<decimal>(), granted["pledge"]!["quantity"]!.Value<decimal>() - 20m));
        // Other terms now: 409 granted.
        Assert.Equal("granted", (await bank.PostJsonAsync($"/api/loan-applications/{id}/approve", Approval(100_000m, 20m))).Expect(409).Body["state"]!.Value<string>());
        Assert.Single((JArray)(await bank.GetJsonAsync("/api/loans")).Body["items"]!);
        var pledges = (await bank.GetJsonAsync($"/api/pledges?holder={firm}")).Body["items"]!;
        var active = Assert.Single(pledges, p => p["status"]!.Value<string>() == "active");
        Assert.Equal((30m, granted["loan"]!["pledge"]!.Value<string>()), (active["quantity"]!.Value<decimal>(), active["id"]!.Value<string>()));
        Assert.Equal((65.044m, 30m, 0m, 35.044m), await HoldingAsync(firm));
        Assert.Equal(granted["loan"]!.ToString(), (await firmClient.GetJsonAsync($"/api/loans/{granted["loan"]!["id"]}")).Expect(200).Body.ToString());
    }

    [Fact]
    public async Task An_approval_interrupted_after_the_pledge_is_active_shows_the_loan_to_every_reader_and_ExpireProposals_writes_it()
    {
        var (firm, _, bank, bankId, id) = await ApplyAsync("HALF-LF", 50m);
        Assert.True(LoanApplication.TryParseId(id, out var b, out var n));
        var services = api.Server.Services;
        var terms = new LoanTerms(Money.FromFen(10_000_000), 3.45m, 36, DateTimeOffset.UtcNow.AddMinutes(-1));
        await services.GetRequiredService<BankWriter>().ExecuteAsync(
            new DecideApplication(b, n, new ApprovalRequest(terms, null, null, Money.FromFen(10_000_000), RegionCode.Parse("131024")), null), Principal.Bank(b), null, _ => "{}", null, default);
        // The market step too, then the client is gone: the pledge is active, the loan row not yet written.
        var steps = services.GetRequiredService<LoanSteps>();
        var approving = (await steps.ApplicationAsync(b, n, default))!;
        await steps.MarketAsync(new ActivateOffer(approving), Principal.Bank(b), null, default);
        Assert.Null(await steps.LoanAsync(b, 1, default));
        // Readers see the grant whole: the application granted with its loan, the loan in the list and by id.
        var seen = (await bank.GetJsonAsync($"/api/banks/{bankId}/loan-applications")).Body["items"]!.Single();
        Assert.Equal(("granted", $"{bankId}-LN1"), (seen["status"]!.Value<string>(), seen["loan"]!["id"]!.Value<string>()));
        var loan = (await bank.GetJsonAsync($"/api/loans/{bankId}-LN1")).Expect(200).Body;
        Assert.Equal(seen["loan"]!.ToString(), loan.ToString());
        Assert.Equal($"{bankId}-LN1", ((JArray)(await bank.GetJsonAsync("/api/loans")).Body["items"]!).Single()["id"]!.Value<string>());
        Assert.Equal((65.044m, 50m, 0m, 15.044m), await HoldingAsync(firm));

        using var host = api.Server.Client();
        (await host.PostJsonAsync("/admin/functions/ExpireProposals", Timer)).Expect(202);
        var written = (await steps.LoanAsync(b, 1, default))!;
        Assert.Equal((LoanStatus.Granted, loan["pledge"]!.Value<string>()), (written.Status, written.PledgeId));
        Assert.Equal(loan.ToString(), (await bank.GetJsonAsync($"/api/loans/{bankId}-LN1")).Expect(200).Body.ToString());
        Assert.Equal(ApplicationStatus.Granted, (await steps.ApplicationAsync(b, n, default))!.Status);
    }

    [Fact]
    public async Task Withdrawal_releases_the_offer_and_is_idempotent_by_state()
    {
        var (firm, firmClient, bank, _, id) = await ApplyAsync("WD-LF", 50m);
        Assert.Equal(50m, (await HoldingAsync(firm)).Frozen);
        (await bank.PostJsonAsync($"/api/loan-applications/{id}/withdraw", "{}")).Expect(403);
        var withdrawn = (await firmClient.PostJsonAsync($"/api/loan-applications/{id}/withdraw", "{}")).Expect(200).Body;
        Assert.Equal("withdrawn", withdrawn["status"]!.Value<string>());
        Assert.Equal(withdrawn.ToString(), (await firmClient.PostJsonAsync($"/api/loan-applications/{id}/withdraw", "{}")).Expect(200).Body.ToString());
        Assert.Equal((65.044m, 0m, 0m, 65.044m), await HoldingAsync(firm));
        Assert.Equal("withdrawn", (await bank.PostJsonAsync($"/api/loan-applications/{id}/approve", Approval(100_000m, null))).Expect(409).Body["state"]!.Value<string>());
        Assert.Equal("cancelled", (await bank.GetJsonAsync($"/api/pledges?holder={firm}")).Body["items"]!.Single()["status"]!.Value<string>());
    }
}

using Trading.Tests.Support;

namespace Trading.Tests;

public sealed class AuditTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task Every_accepted_write_is_in_the_audit_trail_with_who_and_what_and_refusals_are_not()
    {
        using var official = api.Server.Client(await api.IssueKeyAsync("official", "1310"));
        var seller = ApiFixture.NewCreditCode();
        var buyer = await api.RegisterEnterpriseAsync("131000");
        (await official.PutJsonAsync($"/api/enterprises/{seller}", new { name = "甲", region = "131000", industry = "Other", creditRating = "Green" })).Expect(201);
        await api.AllocateAsync(seller.Value, 5m, "131000", "COD");
        var at = DateTimeOffset.UtcNow.AddMinutes(-1).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'");
        var trade = (await official.PostJsonAsync("/api/trades", ApiFixture.Trade(seller.Value, buyer.Value, 1m, 500m, 1, "131000", "COD", at), ApiFixture.Key("audited"))).Expect(201).Body;
        var replay = (await official.PostJsonAsync("/api/trades", ApiFixture.Trade(seller.Value, buyer.Value, 1m, 500m, 1, "131000", "COD", at), ApiFixture.Key("audited"))).Expect(201);
        Assert.Equal("true", replay.Header("Idempotent-Replayed"));
        (await official.PostJsonAsync("/api/trades", ApiFixture.Trade(seller.Value, buyer.Value, 99m, 500m, 1, "131000", "COD"), ApiFixture.Key("refused"))).Expect(409);

        var audit = api.Server.Services.GetRequiredService<Trading.Infra.AuditTrail>();
        await audit.CopyAsync(CancellationToken.None);
        var today = DateOnly.FromDateTime(DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(8)).DateTime);
        var lines = (await audit.ReadDayAsync(today, CancellationToken.None)).Concat(await audit.ReadDayAsync(today.AddDays(-1), CancellationToken.None))
            .Select(l => Newtonsoft.Json.JsonConvert.DeserializeObject<JObject>(l, new Newtonsoft.Json.JsonSerializerSettings { DateParseHandling = Newtonsoft.Json.DateParseHandling.None })!).ToList();
        Assert.Contains(lines, l => l["action"]!.Value<string>() == "enterprise.created" && l["who"]!.Value<string>() == "official:1310" && l["subject"]!.Value<string>() == seller.Value);
        Assert.Contains(lines, l => l["action"]!.Value<string>() == "allocation.recorded" && l["who"]!.Value<string>() == "admin");
        Assert.Single(lines, l => l["action"]!.Value<string>() == "trade.recorded" && l["subject"]!.Value<string>() == trade["id"]!.Value<string>());
        Assert.Contains(lines, l => l["action"]!.Value<string>() == "key.issued" && l["details"]!["subject"]!.Value<string>() == "1310");
        Assert.All(lines, l => Assert.EndsWith("+08:00", l["at"]!.Value<string>()));
        Assert.DoesNotContain(lines, l => (l["details"] as JObject)?["quantity"]?.Value<decimal>() == 99m);
    }
}

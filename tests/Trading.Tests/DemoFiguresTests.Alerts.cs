using Trading.Functions.Hosting;
using Trading.Tests.Support;

namespace Trading.Tests;

/// <summary>The demo data's heavy-pollution alert: Langfang's orange alert in force, the seed-000 firm's measure, and every measure of the issue present.</summary>
public sealed partial class DemoFiguresTests
{
    [Fact]
    public async Task Langfang_has_an_orange_alert_in_force_and_the_seed_000_firm_limits_its_spray_line_to_9200_parts_a_day()
    {
        using var official = api.Server.Client("demo-official-1310");
        var alert = Assert.Single((await official.GetJsonAsync("/api/alerts?region=1310&status=active")).Expect(200).Body["items"]!);
        Assert.Equal("orange", alert["level"]!.Value<string>());
        var id = alert["id"]!.Value<string>();
        Assert.True(alert["notified"]!["declaredDone"]!.Value<bool>());

        var summary = (await official.GetJsonAsync($"/api/alerts/{id}/summary")).Expect(200).Body;
        Assert.Equal(37, summary["firms"]!.Value<int>());
        foreach (var measure in new[] { "self", "limit", "stop", "noPlan" }) Assert.True(summary["byMeasure"]![measure]!.Value<int>() > 0, measure);
        Assert.StartsWith("橙色预警：涉及企业37家，其中自主减排", summary["summary"]!.Value<string>());
        Assert.Equal(0.05m, summary["emissionCuts"]!["VOCs"]!.Value<decimal>());
        Assert.Equal(0.2m, summary["emissionCuts"]!["NOx"]!.Value<decimal>());

        using var firm = api.Server.Client(DemoAlerts.Seed000Key);
        var mine = Assert.Single((await firm.GetJsonAsync($"/api/enterprises/{DemoAlerts.Seed000}/measures")).Expect(200).Body["items"]!);
        Assert.Equal(("orange", "limit", 9200m, 6400m, "件", "喷涂生产线"), (mine["level"]!.Value<string>(), mine["measure"]!.Value<string>(),
            mine["dailyOutputCap"]!.Value<decimal>(), mine["dailyOutputCut"]!.Value<decimal>(), mine["unit"]!.Value<string>(), mine["processes"]!.Value<string>()));
        Assert.Equal("stop", (await firm.GetJsonAsync($"/api/enterprises/{DemoAlerts.Seed000}/emergency-plan")).Expect(200).Body["red"]!["measure"]!.Value<string>());
        var inbox = (await firm.GetJsonAsync("/api/inbox")).Expect(200).Body["items"]!;
        Assert.Contains(inbox, e => e["type"]!.Value<string>() == "alert.declared" && e["data"]!["measure"]!.Value<string>() == "limit");
    }
}

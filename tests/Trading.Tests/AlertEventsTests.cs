using Azure.Data.Tables;
using Azure.Storage.Queues;
using Trading.Infra;
using Trading.Tests.Support;

namespace Trading.Tests;

/// <summary>
/// The events of an alert (api.md "Events and inbox"): <c>alert.declared</c> and <c>alert.lifted</c> reach every firm of
/// the alert's region exactly once, with its measure, in steps the NotifyAlerts timer resumes (own storage: no other
/// test's alert is pending here).
/// </summary>
public sealed class AlertEventsTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private static string Iso(DateTimeOffset t) => t.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd'T'HH:mm:sszzz");

    private async Task<string> FirmAsync(string region, string industry, string grade)
    {
        var code = ApiFixture.NewCreditCode(region);
        (await api.Admin.PutJsonAsync($"/api/enterprises/{code}", new
        {
            name = "应急测试 " + code.Value[^6..], region, industry, grade, gradeValidUntil = "2027-12-31", positiveList = false, creditRating = "Blue",
        })).Expect(201);
        return code.Value;
    }

    [Fact]
    public async Task Every_firm_of_the_region_is_told_of_the_alert_and_its_lifting_exactly_once_in_resumable_steps()
    {
        // 185 firms: three steps of at most 90 (a transaction holds at most 100 rows).
        var codes = new List<string>();
        for (var i = 0; i < 185; i++) codes.Add(await FirmAsync("1406" + (i % 3 + 1).ToString("D2"), i % 2 == 0 ? "IndustrialCoating" : "Cement", i % 5 == 0 ? "A" : "B"));
        var outside = await FirmAsync("140701", "IndustrialCoating", "B");
        var now = DateTimeOffset.UtcNow;
        var id = (await api.Admin.PostJsonAsync("/api/alerts", new { region = "1406", level = "orange", startsAt = Iso(now.AddMinutes(-1)), endsAt = Iso(now.AddDays(1)), reason = "预警" },
            ApiFixture.Key("notify-1406"))).Expect(201).Body["id"]!.Value<string>();

        var notifier = api.Server.Services.GetRequiredService<AlertNotifier>();
        var budgets = api.Server.Services.GetRequiredService<TimerBudgets>();
        budgets.StepLimit = 1;
        try
        {
            var first = await notifier.RunAsync(CancellationToken.None);
            Assert.Contains(first, l => l.StartsWith("Stopped at the time budget", StringComparison.Ordinal));
            Assert.Equal(90, (await api.Admin.GetJsonAsync($"/api/alerts/{id}")).Expect(200).Body["notified"]!["declared"]!.Value<long>());
        }
        finally
        {
            budgets.StepLimit = null;
        }
        await notifier.RunAsync(CancellationToken.None);
        await notifier.RunAsync(CancellationToken.None);
        var told = (await api.Admin.GetJsonAsync($"/api/alerts/{id}")).Expect(200).Body["notified"]!;
        Assert.Equal(185, told["declared"]!.Value<long>());
        Assert.True(told["declaredDone"]!.Value<bool>());

        (await api.Admin.PostJsonAsync($"/api/alerts/{id}/lift", new { })).Expect(200);
        await notifier.RunAsync(CancellationToken.None);
        await notifier.RunAsync(CancellationToken.None);
        Assert.Equal(185, (await api.Admin.GetJsonAsync($"/api/alerts/{id}")).Expect(200).Body["notified"]!["lifted"]!.Value<long>());

        var outbox = api.Server.Services.GetRequiredService<EventOutbox>();
        while (await outbox.CopyAsync(CancellationToken.None) > 0) { }

        // The inbox of every firm: one alert.declared and one alert.lifted of this alert, with its measure; none outside the region.
        foreach (var code in codes.Append(outside))
        {
            var rows = new List<TableEntity>();
            await foreach (var row in api.Storage.Inbox.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {"enterprise:" + code} and RowKey ge {"seq:"} and RowKey lt {"seq;"}")))
                rows.Add(row);
            var events = rows.Select(r => JObject.Parse(r.GetString("Event"))).Where(e => e["data"]!["alert"]!["id"]!.Value<string>() == id).ToList();
            if (code == outside)
            {
                Assert.Empty(events);
                continue;
            }
            Assert.Equal(["alert.declared", "alert.lifted"], events.Select(e => e["type"]!.Value<string>()!).ToArray());
            Assert.Equal(code, events[0]["subject"]!.Value<string>());
            Assert.Equal(codes.IndexOf(code) % 5 == 0 ? "self" : "noPlan", events[0]["data"]!["measure"]!.Value<string>());
        }

        // The queue carries each firm's two events once.
        var queue = new QueueClient(api.Azurite.ConnectionString, api.Prefix + "trading-events");
        var messages = new List<JObject>();
        while ((await queue.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(10))).Value is { Length: > 0 } batch)
            messages.AddRange(batch.Select(m => JObject.Parse(m.Body.ToString())));
        var alertEvents = messages.Where(m => m["type"]!.Value<string>()!.StartsWith("alert.", StringComparison.Ordinal) && m["data"]!["alert"]!["id"]!.Value<string>() == id).ToList();
        Assert.Equal(370, alertEvents.Count);
        Assert.Equal(370, alertEvents.Select(e => (e["type"]!.Value<string>(), e["subject"]!.Value<string>())).Distinct().Count());
    }
}

using Trading.Core.Primitives;
using Trading.Tests.Support;

namespace Trading.Tests;

/// <summary>Closed means closed: no trade lands in a month that is closed or being closed, in any market, old or new.</summary>
public sealed class CloseRaceTests
{
    private const string Payload = """{"input":""}""";

    [Fact]
    public async Task Trades_racing_CloseMonth_in_markets_created_during_the_close_leave_reports_and_aggregates_in_agreement()
    {
        var api = new ApiFixture();
        await api.InitializeAsync();
        try
        {
            var seller = (await api.RegisterEnterpriseAsync("131000")).Value;
            var buyer = (await api.RegisterEnterpriseAsync("131000")).Value;
            await api.AllocateAsync(seller, 1000m, "131000", "SO2");
            var lastEnded = ReportingMonth.Of(DateTimeOffset.UtcNow).Previous();
            var first = lastEnded.AddYears(-1);
            var months = new List<ReportingMonth>();
            for (var m = first; m <= lastEnded; m = m.Next()) months.Add(m);
            foreach (var m in months.Where((_, i) => i % 3 == 0))
                (await api.Admin.PostJsonAsync("/api/trades", ApiFixture.Trade(seller, buyer, 1m, 100m, 1, "131000", "SO2", At(m)), ApiFixture.Key("old-" + m))).Expect(201);

            await using var second = await api.StartServerAsync();
            using var secondAdmin = second.Client(ApiFixture.AdminKey);
            using var host = second.Client();
            var close = host.PostJsonAsync("/admin/functions/CloseMonth", Payload);

            // While the close runs: new markets, each allocated then traded in months being closed, from the other instance.
            var statuses = new List<int>();
            var random = new Random(3);
            var pollutants = Enum.GetNames<Pollutant>();
            for (var i = 0; !close.IsCompleted || i < 3; i++)
            {
                var region = (131010 + i).ToString(System.Globalization.CultureInfo.InvariantCulture);
                var pollutant = pollutants[i % pollutants.Length];
                (await api.Admin.PostJsonAsync("/api/allocations", new { holder = seller, region, pollutant, quantity = 100m, reference = "new market" }, ApiFixture.Key($"new-{i}"))).Expect(201);
                for (var t = 0; t < 3; t++)
                {
                    var month = months[random.Next(months.Count)];
                    var reply = await (t % 2 == 0 ? api.Admin : secondAdmin).PostJsonAsync("/api/trades",
                        ApiFixture.Trade(seller, buyer, 1m, 100m + t, 1, region, pollutant, At(month)), ApiFixture.Key($"race-{i}-{t}"));
                    Assert.True(reply.Status is 201 or 422, reply.ToString());
                    statuses.Add(reply.Status);
                }
                if (i > 200) break;
            }
            (await close).Expect(202);
            Assert.Contains(422, statuses); // some trades arrived after their month was closing

            foreach (var month in months)
            {
                var report = (await api.Admin.GetJsonAsync($"/api/reports/{month}?region=13")).Expect(200).Body;
                var figures = (await api.Admin.GetJsonAsync($"/api/aggregates/monthly?region=13&month={month}")).Expect(200).Body;
                Assert.True(figures["closed"]!.Value<bool>());
                Assert.Equal(report["trades"]!.Value<long>(), figures["trades"]!.Value<long>());
                Assert.Equal(report["amount"]!.Value<decimal>(), figures["amount"]!.Value<decimal>());
            }
            // After the close, every trade into those months is refused, in new markets too.
            (await api.Admin.PostJsonAsync("/api/allocations", new { holder = seller, region = "131099", pollutant = "TP", quantity = 5m, reference = "late" }, ApiFixture.Key("late-a"))).Expect(201);
            (await api.Admin.PostJsonAsync("/api/trades", ApiFixture.Trade(seller, buyer, 1m, 100m, 1, "131099", "TP", At(lastEnded)), ApiFixture.Key("late-t"))).Expect(422);
        }
        finally { await api.DisposeAsync(); }
    }

    private static string At(ReportingMonth month) => month.Start.AddDays(9).AddHours(11).ToString("yyyy-MM-dd'T'HH:mm:sszzz");
}

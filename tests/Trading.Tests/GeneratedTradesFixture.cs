using System.Globalization;
using Trading.Core.Primitives;
using Trading.Tests.Support;

namespace Trading.Tests;

/// <summary>Generated trades in several markets and months (many near China-time month ends), recorded through the API.</summary>
public sealed class GeneratedTradesFixture : ApiFixture
{
    public sealed record Recorded(string Region, string Pollutant, ReportingMonth Month, long Grams, long Fen);

    public List<Recorded> Trades { get; } = [];

    public static readonly (string Region, string Pollutant)[] Markets =
        [("131000", "SO2"), ("131000", "NOx"), ("131024", "VOCs"), ("130100", "SO2"), ("130102", "COD")];

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        var firms = new List<string>();
        for (var i = 0; i < 6; i++) firms.Add((await RegisterEnterpriseAsync(i < 4 ? "131000" : "130100")).Value);
        foreach (var (region, pollutant) in Markets)
            foreach (var firm in firms.Take(3))
                await AllocateAsync(firm, 100_000m, region, pollutant);

        var random = new Random(7);
        var replies = new List<Task<(Reply Reply, string Region, string Pollutant)>>();
        for (var i = 0; i < 120; i++)
        {
            var (region, pollutant) = Markets[random.Next(Markets.Length)];
            var month = new ReportingMonth(2023, 1);
            for (var k = random.Next(24); k > 0; k--) month = month.Next();
            var tradedAt = (i % 4) switch
            {
                0 => month.End.AddSeconds(-1).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture),                  // 23:59:59 +08:00, last day
                1 => month.Start.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),             // 00:00 +08:00 written as 16:00Z the day before
                2 => month.End.AddMinutes(-30).ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture), // 23:30 +08:00 as UTC
                _ => month.Start.AddDays(random.Next(27)).AddHours(10).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture),
            };
            var quantity = Math.Round(0.001m + (decimal)random.NextDouble() * 20m, 6);
            var price = Math.Round(100m + (decimal)random.NextDouble() * 7000m, 2);
            var seller = firms[random.Next(3)];
            var buyer = firms[3 + random.Next(3)];
            var body = Trade(seller, buyer, quantity, price, 1 + random.Next(5), region, pollutant, tradedAt);
            replies.Add(Admin.PostJsonAsync("/api/trades", body, Key($"gen-{i}")).ContinueWith(t => (t.Result, region, pollutant)));
            if (replies.Count % 8 == 0) await Task.WhenAll(replies);
        }
        foreach (var (reply, region, pollutant) in await Task.WhenAll(replies))
        {
            var t = reply.Expect(201).Body;
            Trades.Add(new Recorded(region, pollutant, ReportingMonth.Parse(t["month"]!.Value<string>()),
                (long)(t["quantity"]!.Value<decimal>() * 1_000_000), (long)(t["amount"]!.Value<decimal>() * 100)));
        }
    }
}

using Azure.Data.Tables;
using Trading.Core.Primitives;
using Trading.Core.Reporting;
using Trading.Infra;
using Trading.Tests.Support;

namespace Trading.Tests;

/// <summary>Trades in markets of two provinces, several cities and counties, over two years, recorded through the API.</summary>
public sealed class RollupFixture : ApiFixture
{
    public static readonly (string Region, string Pollutant)[] Markets =
        [("131000", "SO2"), ("131000", "NOx"), ("131024", "SO2"), ("131081", "VOCs"), ("130102", "COD"), ("140105", "SO2")];

    public List<string> Firms { get; } = [];

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        for (var i = 0; i < 4; i++) Firms.Add((await RegisterEnterpriseAsync("131000")).Value);
        foreach (var (region, pollutant) in Markets)
            foreach (var firm in Firms.Take(2))
                await AllocateAsync(firm, 10_000m, region, pollutant);
        var random = new Random(11);
        var posts = new List<Task>();
        for (var i = 0; i < 48; i++)
        {
            var (region, pollutant) = Markets[i % Markets.Length];
            var month = new ReportingMonth(2023, 1 + random.Next(12)).AddYears(random.Next(2));
            var tradedAt = month.Start.AddDays(random.Next(27)).AddHours(9).ToString("yyyy-MM-dd'T'HH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture);
            var body = Trade(Firms[random.Next(2)], Firms[2 + random.Next(2)], 0.5m + random.Next(20), 1000m + random.Next(5000), 1 + random.Next(5), region, pollutant, tradedAt);
            posts.Add(Admin.PostJsonAsync("/api/trades", body, Key($"rollup-{i}")).ContinueWith(t => t.Result.Expect(201)));
            if (posts.Count % 8 == 0) await Task.WhenAll(posts);
        }
        await Task.WhenAll(posts);
    }
}

using System.Diagnostics;
using System.Globalization;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Trading.Core.Ledger;
using Trading.Core.Primitives;
using Trading.Infra;
using Trading.Tests.Support;

namespace Trading.Bench;

/// <summary>
/// Does a region's figures grow with its number of markets? A province (prefix 14) with 1,000 markets and a county
/// (131024) with 8, each with two years of month rows: closed months up to last month, the current month open, and
/// live trades through the API in both. The rollups are built by CopyRollups (the cold-start path), then
/// <c>GET /api/aggregates/period</c> over the last 12 months (so the year before too) is timed for both prefixes,
/// interleaved, beside a raw Azure SDK point read on the same Azurite; and the per-market read the rollups replace.
/// </summary>
public static class RegionsBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        var wide = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1_000;
        var azurite = await Azurite.Shared;
        var prefix = "regions" + Guid.NewGuid().ToString("N")[..6];
        var storage = new StorageContext(new StorageOptions { ConnectionString = azurite.ConnectionString, Prefix = prefix });
        await storage.EnsureCreatedAsync();
        Console.WriteLine($"Azurite on 127.0.0.1:{azurite.TablePort}; {Environment.ProcessorCount} cores; {wide} markets under 14, 8 under 131024");

        var thisMonth = ReportingMonth.Of(DateTimeOffset.UtcNow);
        var first = thisMonth.AddYears(-2).Next();
        var province = Enumerable.Range(0, wide).Select(i => new MarketId(
            RegionCode.Parse(string.Create(CultureInfo.InvariantCulture, $"14{1 + i / 8 / 99 % 99:D2}{1 + i / 8 % 99:D2}")), Pollutants.All[i % 8])).Distinct().ToList();
        var county = Pollutants.All.Select(p => new MarketId(RegionCode.Parse("131024"), p)).ToList();
        var load = Stopwatch.StartNew();
        await Bounded.SelectAsync(province.Concat(county).ToList(), async market =>
        {
            await storage.Markets.UpsertEntityAsync(new TableEntity(TableLedger.MarketsPartition, market.Key) { ["Region"] = market.Region.Value, ["Pollutant"] = market.Pollutant.ToString() });
            var rows = new List<TableEntity>();
            var random = new Random(market.Key.GetHashCode(StringComparison.Ordinal));
            for (var m = first; m <= thisMonth; m = m.Next())
            {
                var trades = 1 + random.Next(20);
                rows.Add(LedgerRows.MonthEntity(market, new MonthCounter(m, trades, trades * (long)random.Next(1_000_000, 9_000_000), trades * (long)random.Next(100_000, 9_000_000), Closed: m < thisMonth)));
            }
            foreach (var chunk in rows.Chunk(100))
                await storage.Ledger.SubmitTransactionAsync(chunk.Select(e => new TableTransactionAction(TableTransactionActionType.UpsertReplace, e)));
            return 0;
        }, Bounded.DefaultConcurrency, default);
        for (var m = first; m < thisMonth; m = m.Next())
            await storage.Closes.UpsertEntityAsync(new TableEntity(MonthFigures.ClosesPartition, m.ToString()) { ["State"] = "closed" });
        Console.WriteLine($"loaded {province.Count + county.Count} markets × {(thisMonth.Year - first.Year) * 12 + thisMonth.Month - first.Month + 1} months in {load.Elapsed.TotalSeconds:0.0} s");

        await using var server = await BenchServer.StartAsync(azurite.ConnectionString, prefix);
        var http = server.Http;
        var build = Stopwatch.StartNew();
        await BenchHttp.Send(http, HttpMethod.Post, "/admin/functions/CopyRollups", """{"input":""}""");
        Console.WriteLine($"CopyRollups built the rollups in {build.Elapsed.TotalSeconds:0.0} s");

        // Live trades in the open month of both prefixes (pending marks, then background copies).
        var firms = new List<string>();
        foreach (var region in new[] { "140101", "131024" })
            for (var i = 0; i < 2; i++)
            {
                var code = CreditCode.FromBody($"91{region}BENCH{i:D4}").Value;
                await BenchHttp.Send(http, HttpMethod.Put, $"/api/enterprises/{code}",
                    $$"""{"name":"基准企业{{i}}","region":"{{region}}","industry":"IndustrialCoating","grade":"B","gradeValidUntil":"2030-12-31","positiveList":true,"creditRating":"Blue"}""");
                firms.Add(code);
            }
        var live = new[] { ("140101", firms[0], firms[1]), ("131024", firms[2], firms[3]) };
        foreach (var (region, seller, buyer) in live)
        {
            await BenchHttp.Send(http, HttpMethod.Post, "/api/allocations", $$"""{"holder":"{{seller}}","region":"{{region}}","pollutant":"SO2","quantity":1000,"reference":"bench"}""", "alloc-" + region);
            for (var i = 0; i < 10; i++)
                await BenchHttp.Send(http, HttpMethod.Post, "/api/trades",
                    $$"""{"region":"{{region}}","pollutant":"SO2","seller":"{{seller}}","buyer":"{{buyer}}","quantity":1.5,"unitPrice":3000,"termYears":1,"method":"Agreement","tradedAt":"{{DateTimeOffset.UtcNow.AddMinutes(-1):yyyy-MM-ddTHH:mm:ssZ}}","reference":"bench"}""",
                    $"live-{region}-{i}");
        }

        var from = thisMonth.AddYears(-1).Next();
        string Path(string region) => $"/api/aggregates/period?region={region}&from={from}&to={thisMonth}";
        Console.WriteLine($"14:     {(await http.GetStringAsync(Path("14")))[..160]}…");
        Console.WriteLine($"131024: {(await http.GetStringAsync(Path("131024")))[..160]}…");

        var samples = new Dictionary<string, List<double>> { ["14"] = [], ["131024"] = [], ["raw"] = [] };
        for (var i = 0; i < 220; i++)
        {
            foreach (var key in samples.Keys)
            {
                var sw = Stopwatch.StartNew();
                if (key == "raw") await storage.Ledger.GetEntityAsync<TableEntity>(county[0].Key, LedgerRows.Month(thisMonth));
                else await http.GetStringAsync(Path(key));
                if (i >= 20) samples[key].Add(sw.Elapsed.TotalMilliseconds);
            }
        }
        double Median(string key) { var s = samples[key].Order().ToList(); return s[s.Count / 2]; }
        double P95(string key) { var s = samples[key].Order().ToList(); return s[(int)(s.Count * 0.95)]; }

        // The read the rollups replace: every market's month rows, in-process, for both prefixes.
        var figures = server.App.Services.GetRequiredService<MonthFigures>();
        var perMarket = new Dictionary<string, double>();
        foreach (var region in new[] { "14", "131024" })
        {
            var times = new List<double>();
            for (var i = 0; i < 12; i++)
            {
                var sw = Stopwatch.StartNew();
                await figures.ReadMarketsAsync(RegionPrefix.Parse(region), from.AddYears(-1), thisMonth, default);
                if (i >= 2) times.Add(sw.Elapsed.TotalMilliseconds);
            }
            perMarket[region] = times.Order().ElementAt(times.Count / 2);
        }

        // The figures are the markets' own, to the fen: rollups (with any pending marks) against the per-market read.
        foreach (var region in new[] { "14", "131024" })
        {
            var viaRollups = await figures.ReadAsync(RegionPrefix.Parse(region), from.AddYears(-1), thisMonth, default);
            var viaMarkets = await figures.ReadMarketsAsync(RegionPrefix.Parse(region), from.AddYears(-1), thisMonth, default);
            var a = viaRollups.Aggregate(Core.Reporting.Totals.Zero, (t, r) => t.Add(r.Totals));
            var b = viaMarkets.Aggregate(Core.Reporting.Totals.Zero, (t, r) => t.Add(r.Totals));
            Console.WriteLine($"{region}: rollups {a} / markets {b}: {(a == b ? "equal" : "DIFFERENT")}");
            if (a != b) return 1;
        }

        Console.WriteLine();
        Console.WriteLine("| prefix | markets | GET aggregates/period, median (p95) | × the 8-market prefix | × raw SDK point read | per-market read it replaces, median |");
        Console.WriteLine("|---|---|---|---|---|---|");
        Console.WriteLine($"| 131024 | 8 | {Median("131024"):0.00} ms ({P95("131024"):0.00}) | 1.00 | {Median("131024") / Median("raw"):0.0}× | {perMarket["131024"]:0.0} ms |");
        Console.WriteLine($"| 14 | {province.Count:N0} | {Median("14"):0.00} ms ({P95("14"):0.00}) | **{Median("14") / Median("131024"):0.00}×** | {Median("14") / Median("raw"):0.0}× | {perMarket["14"]:0.0} ms ({perMarket["14"] / perMarket["131024"]:0}× the county's) |");
        Console.WriteLine($"raw SDK point read (GetEntity of a month row), median {Median("raw"):0.00} ms");
        return 0;
    }
}

using System.Diagnostics;
using System.Globalization;
using Azure.Data.Tables;
using Trading.Core.Primitives;
using Trading.Core.Reporting;
using Trading.Infra;
using Trading.Tests.Support;

namespace Trading.Bench;

/// <summary>
/// Does a timer's run with nothing to do grow with the number of markets and banks (issue 17)? Markets and banks listed
/// as they are in storage (the markets table's <c>market</c> and <c>bank</c> partitions), 8 markets and 8 banks, then
/// 1,000 markets and 200 banks on the same Azurite and server; each timer run 5 times idle, median.
/// </summary>
public static class TimersBench
{
    private static readonly string[] Timers = ["ExpireProposals", "CloseAuctions", "CountLoans", "CopyAudit", "CopyEvents", "CopyRollups"];

    public static async Task<int> RunAsync(string[] args)
    {
        var wide = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1_000;
        var azurite = await Azurite.Shared;
        var prefix = "timers" + Guid.NewGuid().ToString("N")[..6];
        var storage = new StorageContext(new StorageOptions { ConnectionString = azurite.ConnectionString, Prefix = prefix });
        await storage.EnsureCreatedAsync();
        await using var server = await BenchServer.StartAsync(azurite.ConnectionString, prefix);
        Console.WriteLine($"Azurite on 127.0.0.1:{azurite.TablePort}; {Environment.ProcessorCount} cores");

        async Task AddAsync(int markets, int banks)
        {
            var list = Enumerable.Range(0, markets).Select(i => new MarketId(
                RegionCode.Parse(string.Create(CultureInfo.InvariantCulture, $"{11 + i / 8 / 99 % 80:D2}{1 + i / 8 % 99:D2}00")), Pollutants.All[i % 8])).Distinct().ToList();
            await Bounded.SelectAsync(list, async m =>
            {
                await storage.Markets.UpsertEntityAsync(new TableEntity(TableLedger.MarketsPartition, m.Key) { ["Region"] = m.Region.Value, ["Pollutant"] = m.Pollutant.ToString() });
                return 0;
            }, Bounded.DefaultConcurrency, default);
            for (var b = 0; b < banks; b++) await storage.Markets.UpsertEntityAsync(new TableEntity(Trading.Infra.BankHooks.BanksPartition, $"B{b:D3}-LF"));
        }

        async Task<Dictionary<string, double>> IdleAsync()
        {
            var result = new Dictionary<string, double>();
            foreach (var timer in Timers)
            {
                await BenchHttp.Send(server.Http, HttpMethod.Post, $"/admin/functions/{timer}", """{"input":""}"""); // warm (and any one-time sweep)
                var times = new List<double>();
                for (var i = 0; i < 5; i++)
                {
                    var watch = Stopwatch.StartNew();
                    await BenchHttp.Send(server.Http, HttpMethod.Post, $"/admin/functions/{timer}", """{"input":""}""");
                    times.Add(watch.Elapsed.TotalMilliseconds);
                }
                result[timer] = times.Order().ElementAt(2);
            }
            return result;
        }

        await AddAsync(8, 8);
        var few = await IdleAsync();
        await AddAsync(wide, 200);
        var many = await IdleAsync();
        Console.WriteLine($"| timer, idle run (median of 5) | 8 markets, 8 banks | {wide} markets, 200 banks | ratio |");
        Console.WriteLine("|---|---|---|---|");
        foreach (var timer in Timers)
            Console.WriteLine($"| {timer} | {few[timer]:0} ms | {many[timer]:0} ms | {many[timer] / few[timer]:0.00}× |");
        return 0;
    }
}

using System.Globalization;
using Azure.Data.Tables;
using Trading.Functions.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Trading.Infra;

namespace Trading.Tests.Support;

/// <summary>
/// Storage requests per direct trade, in all (issue 17 item 6), as the bench <c>requests</c> and
/// <c>StorageRequestsTests</c> measure them: N trades (POST /api/trades by an official, with an Idempotency-Key)
/// round-robin over 4 markets of one province, then every timer on its schedule, minute by simulated minute (the server's
/// clock is a <see cref="ShiftedClock"/> moved ahead), until nothing is pending (no audit, event or rollup mark, no dirty
/// match mark). Everything the storage clients send is counted by <see cref="StorageRequestPolicy"/>: the requests before
/// the answers, what runs after them in the background, and the timers with their leases. The set-up (firms,
/// allocations, one trade per market and the timers after it) is not counted.
/// </summary>
public static class TradeRequests
{
    private static readonly string[] s_markets = ["131000-SO2", "131000-NOx", "131024-VOCs", "131081-PM"];

    /// <summary>What one run counted.</summary>
    public sealed record Result(int Trades, long Total, long BeforeAnswers, long Background, long Timers, IReadOnlyDictionary<string, long> ByKind,
        IReadOnlyDictionary<string, long> ByKey, IReadOnlyList<int> RoundTrips, int TimerRounds, IReadOnlyList<string> OneTrade, IReadOnlyList<string> MostRoundTrips, IReadOnlyDictionary<string, long> ByTimer)
    {
        public double PerTrade => (double)Total / Trades;

        public string Report()
        {
            var lines = new List<string>
            {
                $"{Trades} trades over {s_markets.Length} markets; timers ran {TimerRounds} simulated minute(s) until nothing was pending.",
                "",
                "| storage requests | in all | per trade |",
                "|---|---|---|",
                $"| in all | {Total} | {PerTrade:0.0} |",
                $"| before the answers | {BeforeAnswers} | {(double)BeforeAnswers / Trades:0.0} |",
                $"| after the answers, in the background | {Background} | {(double)Background / Trades:0.0} |",
                $"| timers (leases included) | {Timers} | {(double)Timers / Trades:0.0} |",
                "",
                $"Sequential round trips before the answer: median {Percentile(0.5)}, max {RoundTrips.Max()}.",
                "",
                "| kind | per trade |",
                "|---|---|",
            };
            lines.AddRange(ByKind.OrderByDescending(p => p.Value).Select(p => $"| {p.Key} | {(double)p.Value / Trades:0.00} |"));
            lines.Add("");
            lines.Add("| timer | runs' requests in all |");
            lines.Add("|---|---|");
            lines.AddRange(ByTimer.OrderByDescending(p => p.Value).Select(p => $"| {p.Key} | {p.Value} |"));
            lines.Add("");
            lines.Add("| kind and table, container or queue | in all |");
            lines.Add("|---|---|");
            lines.AddRange(ByKey.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).Select(p => $"| {p.Key} | {p.Value} |"));
            lines.Add("");
            lines.Add("One trade before its answer, in the order the requests ended: " + string.Join(", ", OneTrade));
            lines.Add("");
            lines.Add("The trade with the most round trips: " + string.Join(", ", MostRoundTrips));
            return string.Join('\n', lines);
        }

        private int Percentile(double p)
        {
            var sorted = RoundTrips.Order().ToList();
            return sorted[(int)(p * (sorted.Count - 1))];
        }
    }

    /// <summary>Sets up, trades, runs the timers until quiet; counts everything after the set-up.</summary>
    public static async Task<Result> MeasureAsync(IServiceProvider services, HttpClient http, ShiftedClock clock, int count, bool quietBetween = false)
    {
        var storage = services.GetRequiredService<StorageContext>();
        var seller = Trading.Core.Primitives.CreditCode.FromBody("91131000LEADER001").Value;
        var buyer = Trading.Core.Primitives.CreditCode.FromBody("91131000BUYER0001").Value;
        foreach (var code in new[] { seller, buyer })
            await SendAsync(http, HttpMethod.Put, $"/api/enterprises/{code}", $$"""{"name":"bench","region":"131000","industry":"Other","creditRating":"Green"}""");
        foreach (var market in s_markets)
            await SendAsync(http, HttpMethod.Post, "/api/allocations",
                $$"""{"holder":"{{seller}}","region":"{{market[..6]}}","pollutant":"{{market[7..]}}","quantity":1000000,"reference":"bench"}""", "bench-allocation-" + market);
        var n = 0;
        Task Trade(string market) => SendAsync(http, HttpMethod.Post, "/api/trades",
            $$"""{"region":"{{market[..6]}}","pollutant":"{{market[7..]}}","seller":"{{seller}}","buyer":"{{buyer}}","quantity":1.5,"unitPrice":5000,"termYears":3,"method":"Agreement","tradedAt":"{{clock.GetUtcNow().AddMinutes(-1):yyyy-MM-dd'T'HH:mm:ssK}}"}""",
            $"bench-trade-{Interlocked.Increment(ref n)}");
        // Set-up: a first trade per market (its market and holders indexed), then the timers until quiet.
        foreach (var market in s_markets) await Trade(market);
        await QuietAsync(storage);
        await RunTimersAsync(services, storage, clock, []);

        storage.Requests.Reset();
        // Round trips are read from the requests' times: with a real account's latency, requests sent together overlap.
        storage.Requests.AddedLatency = TimeSpan.FromMilliseconds(20);
        for (var i = 0; i < count; i++)
        {
            await Trade(s_markets[i % s_markets.Length]);
            // Each trade's background work done before the next (counts then do not depend on timing).
            if (quietBetween) await QuietAsync(storage);
        }
        var answered = storage.Requests.Answered().Where(a => a.Name == "POST /api/trades").ToList();
        storage.Requests.AddedLatency = TimeSpan.Zero;
        var beforeAnswers = answered.Sum(a => (long)a.Requests);
        await QuietAsync(storage);
        var afterTrades = storage.Requests.Total;
        var byTimer = new Dictionary<string, long>(StringComparer.Ordinal);
        var rounds = await RunTimersAsync(services, storage, clock, byTimer);
        var total = storage.Requests.Total;
        return new Result(count, total, beforeAnswers, afterTrades - beforeAnswers, total - afterTrades, storage.Requests.ByKind(), storage.Requests.ByKey(),
            answered.Select(a => a.RoundTrips).ToList(), rounds, answered[^1].Keys, answered.MaxBy(a => a.RoundTrips)!.Keys, byTimer);
    }

    private static async Task SendAsync(HttpClient http, HttpMethod method, string path, string json, string? key = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json") };
        if (key is not null) request.Headers.Add("Idempotency-Key", key);
        using var response = await http.SendAsync(request);
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{method} {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>Waits until no storage request was made for a quarter of a second (background copies and touches done).</summary>
    private static async Task QuietAsync(StorageContext storage)
    {
        var last = -1L;
        while (storage.Requests.Total != last)
        {
            last = storage.Requests.Total;
            await Task.Delay(250);
        }
    }

    /// <summary>
    /// Every timer once, then minute by simulated minute the timers whose schedule fires in that minute, until nothing is
    /// pending after a minute; answers the number of minutes. The checks read storage with a client of their own (not counted).
    /// </summary>
    private static async Task<int> RunTimersAsync(IServiceProvider services, StorageContext storage, ShiftedClock clock, Dictionary<string, long> byTimer)
    {
        async Task Run(TimerRunner runner, TimerFunction timer)
        {
            var before = storage.Requests.Total;
            await runner.RunAsync(timer, CancellationToken.None);
            byTimer[timer.Name] = byTimer.GetValueOrDefault(timer.Name) + storage.Requests.Total - before;
        }

        var runner = services.GetRequiredService<TimerRunner>();
        var timers = FunctionCatalog.All.OfType<TimerFunction>().ToList();
        var options = services.GetRequiredService<StorageOptions>();
        var tables = new TableServiceClient(options.ConnectionString);
        string Name(string table) => options.Prefix.ToLowerInvariant() + table;
        foreach (var timer in timers) await Run(runner, timer);
        await QuietAsync(storage);
        for (var minute = 1; ; minute++)
        {
            var from = clock.GetUtcNow();
            clock.Advance(TimeSpan.FromMinutes(1));
            var to = clock.GetUtcNow();
            foreach (var timer in timers.Where(t => TimerScheduler.Parse(t.Schedule).GetNextOccurrence(from.UtcDateTime) <= to.UtcDateTime))
                await Run(runner, timer);
            await QuietAsync(storage);
            if (!await PendingAsync(tables, Name)) return minute;
            if (minute >= 60) throw new InvalidOperationException("still pending after an hour of timer runs");
        }
    }

    private static async Task<bool> PendingAsync(TableServiceClient tables, Func<string, string> name)
    {
        foreach (var table in new[] { "auditmarks", "eventmarks", "rollupmarks", "pendingmarks" })
        {
            try
            {
                await foreach (var row in tables.GetTableClient(name(table)).QueryAsync<TableEntity>(select: ["PartitionKey"]))
                    if (row.PartitionKey != "swept") return true;
            }
            catch (Azure.RequestFailedException ex) when (ex.Status == 404) { /* no such table */ }
        }
        await foreach (var _ in tables.GetTableClient(name("matchstate")).QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {MatchMarks.DirtyPartition}"), select: ["PartitionKey"]))
            return true;
        return false;
    }
}

using Microsoft.Extensions.DependencyInjection;
using System.Diagnostics;
using System.Globalization;
using Trading.Core.Primitives;
using Trading.Infra;
using Trading.Tests.Support;

namespace Trading.Bench;

/// <summary>
/// Does a timer's run with nothing to do grow with the number of markets? Two storage prefixes on one Azurite: a county
/// of 8 markets (131024, every pollutant) and 1,000 markets (under 14, as <see cref="RegionsBench"/> lays them out). Every
/// market gets real rows through the API: an allocation (holdings), a trade dated last month, and a trade proposal that
/// expires 20 s after it was made. Then each timer runs once to do its work (the proposals expire, last month
/// closes, the audit records and events are copied, the matches are refreshed: the warm-up), and fifteen more times with
/// nothing left to do, through <c>POST /admin/functions/{name}</c> (the lease included), the two prefixes in turns. The
/// median of the fifteen idle runs, taken in turns (and the most storage requests one made) is printed per timer and prefix, with their ratio (goal: at most 1.5× for every timer).
/// </summary>
public static class IdleTimersBench
{
    private static readonly string[] s_timers =
        ["ExpireProposals", "CloseMonth", "CloseAuctions", "CopyAudit", "CopyEvents", "CopyRollups", "CountLoans", "RefreshMatches"];

    public static async Task<int> RunAsync(string[] args)
    {
        var wide = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1_000;
        var azurite = await Azurite.Shared;
        Console.WriteLine($"Azurite on 127.0.0.1:{azurite.TablePort}; {Environment.ProcessorCount} cores; 8 markets under 131024 against {wide} under 14");
        var county = Pollutants.All.Select(p => new MarketId(RegionCode.Parse("131024"), p)).ToList();
        var province = Enumerable.Range(0, wide).Select(i => new MarketId(
            RegionCode.Parse(string.Create(CultureInfo.InvariantCulture, $"14{1 + i / 8 / 99 % 99:D2}{1 + i / 8 % 99:D2}")), Pollutants.All[i % 8])).Distinct().ToList();

        var load = Stopwatch.StartNew();
        await using var small = await SeedAsync(azurite, "idle8", county);
        await using var large = await SeedAsync(azurite, "idle" + wide, province);
        Console.WriteLine($"seeded {county.Count} and {province.Count} markets through the API in {load.Elapsed.TotalSeconds:0.0} s");
        // Every proposal expires 20 s after it was made: wait for the last one.
        while (DateTimeOffset.UtcNow < s_lastExpiry.AddSeconds(1)) await Task.Delay(500);

        Console.WriteLine($"{"timer",-16} {"warm-up 8",10} {"warm-up " + province.Count,12} {"idle 8 (ms)",12} {"idle " + province.Count + " (ms)",15} {"ratio",7} {"requests 8 / " + province.Count,16}");
        foreach (var timer in s_timers)
        {
            var warmSmall = await TimeAsync(small, timer);
            var warmLarge = await TimeAsync(large, timer);
            await PrintIdleAsync(small, large, timer, warmSmall, warmLarge);
        }
        var lastWrite = DateTimeOffset.UtcNow; // no run after this point writes to a market's partition
        // The outbox copiers look again at every partition written within the last renewal (+30 s, storage's clock): a commit
        // there may not have written its mark again. Past that, one run finds each mark quiet and the next looks at none.
        var quietAfter = Trading.Infra.PendingMarks.Renewal + Trading.Infra.PendingMarks.QuietMargin + TimeSpan.FromSeconds(5);
        Console.WriteLine($"after {quietAfter.TotalSeconds:0} s without writes, one run each, then idle again:");
        await Task.Delay(quietAfter);
        foreach (var timer in new[] { "CopyAudit", "CopyEvents" })
        {
            var onceSmall = await TimeAsync(small, timer);
            var onceLarge = await TimeAsync(large, timer);
            await PrintIdleAsync(small, large, timer, onceSmall, onceLarge);
        }
        // A mark is deleted once it is older than Settled (the clock skew allowed between instances) and its partition copied:
        // past that, one run settles every mark and a run with nothing to do reads an empty marks query.
        var settledAt = lastWrite + Trading.Infra.PendingMarks.Settled + TimeSpan.FromSeconds(10);
        Console.WriteLine($"after {Trading.Infra.PendingMarks.Settled.TotalMinutes:0} min from the last write (marks settled), one run each, then idle again:");
        while (DateTimeOffset.UtcNow < settledAt) await Task.Delay(1_000);
        foreach (var timer in new[] { "CopyAudit", "CopyEvents" })
        {
            var onceSmall = await TimeAsync(small, timer);
            var onceLarge = await TimeAsync(large, timer);
            await PrintIdleAsync(small, large, timer, onceSmall, onceLarge);
        }
        return 0;
    }

    /// <summary>
    /// Prints a timer's line: the runs before (warm-up or settling), the median of 15 idle runs per prefix, taken in turns
    /// (8 then 1,000, then 1,000 then 8, ...) so that a slow moment of the machine or of Azurite falls on both, their ratio,
    /// and the most storage requests one idle run made (counted by the server's <see cref="StorageRequests"/>, the lease
    /// included): milliseconds this small are noisy, the requests are not.
    /// </summary>
    private static async Task PrintIdleAsync(BenchServer small, BenchServer large, string timer, double beforeSmall, double beforeLarge)
    {
        var (smallMs, largeMs) = (new List<double>(), new List<double>());
        var (smallMost, largeMost) = (0L, 0L);
        for (var i = 0; i < 15; i++)
        {
            foreach (var large1 in i % 2 == 0 ? new[] { false, true } : [true, false])
            {
                var server = large1 ? large : small;
                var requests = server.App.Services.GetRequiredService<StorageContext>().Requests;
                var before = requests.Total;
                (large1 ? largeMs : smallMs).Add(await TimeAsync(server, timer));
                var made = requests.Total - before;
                if (large1) largeMost = Math.Max(largeMost, made);
                else smallMost = Math.Max(smallMost, made);
            }
        }
        var (idleSmall, idleLarge) = (smallMs.Order().ElementAt(7), largeMs.Order().ElementAt(7));
        Console.WriteLine($"{timer,-16} {beforeSmall,10:0} {beforeLarge,12:0} {idleSmall,12:0.0} {idleLarge,15:0.0} {idleLarge / idleSmall,6:0.0}× {smallMost,7} / {largeMost}");
    }

    private static async Task<double> TimeAsync(BenchServer server, string timer)
    {
        // A run over many markets may take minutes on a loaded machine: no client time-out (the route is loopback, no key).
        using var host = new HttpClient { BaseAddress = server.Http.BaseAddress, Timeout = Timeout.InfiniteTimeSpan };
        var watch = Stopwatch.StartNew();
        await BenchHttp.Send(host, HttpMethod.Post, "/admin/functions/" + timer, """{"input":""}""");
        return watch.Elapsed.TotalMilliseconds;
    }

    private static DateTimeOffset s_lastExpiry;

    /// <summary>A fresh prefix whose markets each hold an allocation, a trade of last month and a proposal expiring 20 s after it was made.</summary>
    private static async Task<BenchServer> SeedAsync(Azurite azurite, string name, IReadOnlyList<MarketId> markets)
    {
        var prefix = name + Guid.NewGuid().ToString("N")[..6];
        var server = await BenchServer.StartAsync(azurite.ConnectionString, prefix);
        var http = server.Http;
        var seller = NewCreditCode();
        var buyer = NewCreditCode();
        foreach (var firm in new[] { seller, buyer })
            await BenchHttp.Send(http, HttpMethod.Put, $"/api/enterprises/{firm}", $$"""
                {"name":"闲置测试 {{firm[^4..]}}","region":"131024","industry":"Other","grade":"B","gradeValidUntil":"2030-12-31","positiveList":true,"creditRating":"Blue"}
                """);
        await BenchHttp.Send(http, HttpMethod.Put, "/api/banks/IDLE-LF/products/green", """
            {"name":"绿色贷","minGrade":"B","allowUngraded":false,"minCreditRating":"Blue","requirePositiveList":false,"industries":[],"regions":["13"],
             "minAmount":100000,"maxAmount":20000000,"annualRatePct":3.45,"termMonths":36}
            """);
        using var keyReply = await http.PostAsync("/api/keys", new StringContent($$"""{"role":"enterprise","subject":"{{seller}}"}""", System.Text.Encoding.UTF8, "application/json"));
        var sellerKey = Newtonsoft.Json.Linq.JObject.Parse(await keyReply.Content.ReadAsStringAsync())["key"]!.ToString();
        using var sellerHttp = new HttpClient { BaseAddress = http.BaseAddress };
        sellerHttp.DefaultRequestHeaders.Add("X-Api-Key", sellerKey);
        var lastMonth = ReportingMonth.Of(DateTimeOffset.UtcNow).AddMonths(-1).Start.AddDays(9).AddHours(10).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
        await Bounded.SelectAsync(markets, async m =>
        {
            var (region, pollutant) = (m.Region.Value, m.Pollutant.ToString());
            await BenchHttp.Send(http, HttpMethod.Post, "/api/allocations",
                $$"""{"holder":"{{seller}}","region":"{{region}}","pollutant":"{{pollutant}}","quantity":100,"reference":"idle bench"}""", "a-" + m.Key);
            await BenchHttp.Send(http, HttpMethod.Post, "/api/trades", $$"""
                {"region":"{{region}}","pollutant":"{{pollutant}}","seller":"{{seller}}","buyer":"{{buyer}}","quantity":1,"unitPrice":1000,"termYears":1,
                 "method":"Agreement","tradedAt":"{{lastMonth}}","reference":"idle bench"}
                """, "t-" + m.Key);
            var expiresAt = DateTimeOffset.UtcNow.AddSeconds(20);
            lock (s_timers) if (expiresAt > s_lastExpiry) s_lastExpiry = expiresAt;
            var expiry = expiresAt.ToString("yyyy-MM-dd'T'HH:mm:ssK", CultureInfo.InvariantCulture);
            await BenchHttp.Send(sellerHttp, HttpMethod.Post, "/api/trade-proposals", $$"""
                {"region":"{{region}}","pollutant":"{{pollutant}}","seller":"{{seller}}","buyer":"{{buyer}}","quantity":1,"unitPrice":1000,"termYears":1,
                 "method":"Agreement","reference":"idle bench","expiresAt":"{{expiry}}"}
                """, "p-" + m.Key);
            return 0;
        }, Bounded.DefaultConcurrency, default);
        return server;
    }

    private static int s_firms;

    private static string NewCreditCode()
    {
        var n = Interlocked.Increment(ref s_firms);
        var random = Guid.NewGuid().ToByteArray();
        return CreditCode.FromBody("91131024" + string.Concat(random.Take(5).Select(b => CreditCode.Alphabet[b % 31])) + (n % 10000).ToString("D4", CultureInfo.InvariantCulture)).Value;
    }
}

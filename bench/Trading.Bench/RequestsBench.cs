using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Trading.Infra;
using Trading.Tests.Support;

namespace Trading.Bench;

/// <summary>
/// Storage requests per direct trade, in all (issue 17 item 6; measured by <see cref="TradeRequests"/>, shared with the
/// tests): N trades (POST /api/trades by an official, with an Idempotency-Key) round-robin over 4 markets of one province, then every timer on its schedule, minute by simulated
/// minute (the server's clock is moved ahead), until nothing is pending (no audit, event or rollup mark, no dirty match
/// mark). Everything the storage clients send is counted by <see cref="StorageRequestPolicy"/>: the requests before the
/// answers, what runs after them in the background, and the timers with their leases. The set-up (firms, allocations, one
/// trade per market and the timers after it) is not counted.
/// </summary>
public static class RequestsBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        var count = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 50;
        var azurite = await Azurite.Shared;
        var clock = new ShiftedClock();
        await using var server = await BenchServer.StartAsync(azurite.ConnectionString, "req" + Environment.ProcessId,
            b => b.Services.AddSingleton<TimeProvider>(clock));
        var result = await TradeRequests.MeasureAsync(server.App.Services, server.Http, clock, count);
        Console.WriteLine(result.Report());
        return 0;
    }
}

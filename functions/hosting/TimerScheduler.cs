using Azure;
using Azure.Storage.Blobs.Specialized;
using NCrontab;
using Trading.Core;
using Trading.Infra;

namespace Trading.Functions.Hosting;

/// <summary>
/// Standalone mode: fires the timer functions from their declared schedules (NCrontab, 6 fields, UTC). At start, a
/// timer whose last run is older than its latest scheduled time runs at once (catching up after downtime), as the
/// Azure Functions host does for past-due timers.
/// </summary>
public sealed class TimerScheduler(TimerRunner runner, DemoGate demo, TimeProvider time, ILogger<TimerScheduler> logger) : BackgroundService
{
    public static CrontabSchedule Parse(string expression) => CrontabSchedule.Parse(expression, new CrontabSchedule.ParseOptions { IncludingSeconds = true });

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await demo.Done.WaitAsync(stoppingToken);
        await Task.WhenAll(FunctionCatalog.All.OfType<TimerFunction>().Select(f => LoopAsync(f, stoppingToken)));
    }

    private async Task LoopAsync(TimerFunction function, CancellationToken ct)
    {
        var schedule = Parse(function.Schedule);
        try
        {
            var now = time.GetUtcNow().UtcDateTime;
            var latest = schedule.GetNextOccurrences(now.AddDays(-32), now).LastOrDefault();
            var last = await LastRunWhenStorageAnswersAsync(function, ct);
            if (latest != default && (last is null || last.Value.UtcDateTime < latest))
                await RunAsync(function, "past due", ct);
            while (!ct.IsCancellationRequested)
            {
                var next = schedule.GetNextOccurrence(time.GetUtcNow().UtcDateTime);
                var wait = next - time.GetUtcNow().UtcDateTime;
                if (wait > TimeSpan.Zero) await Task.Delay(wait, time, ct);
                await RunAsync(function, "scheduled", ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
    }

    /// <summary>The last run, once storage answers: an instance started before storage waits for it instead of stopping.</summary>
    private async Task<DateTimeOffset?> LastRunWhenStorageAnswersAsync(TimerFunction function, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await runner.LastRunAsync(function, ct);
            }
            catch (Exception ex) when (ProblemsMiddleware.IsStorageFault(ex) && !ct.IsCancellationRequested)
            {
                if (attempt == 1) logger.LogWarning("{Function} waits for storage ({Error})", function.Name, ex.Message);
                await Task.Delay(TimeSpan.FromSeconds(Math.Min(30, 2 * attempt)), time, ct);
            }
        }
    }

    private async Task RunAsync(TimerFunction function, string why, CancellationToken ct)
    {
        try
        {
            logger.LogInformation("Running {Function} ({Why})", function.Name, why);
            await runner.RunAsync(function, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            logger.LogError(ex, "{Function} failed; it runs again at its next time", function.Name);
        }
    }
}

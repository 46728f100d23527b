using Azure;
using Azure.Storage.Blobs.Specialized;
using NCrontab;
using Trading.Core;
using Trading.Infra;

namespace Trading.Functions.Hosting;

/// <summary>
/// Runs a timer function at most once at a time across instances: a blob lease on <c>locks/{FunctionName}</c>, renewed
/// while the function runs. An instance that finds the lease taken skips the run (the holder is doing it).
/// </summary>
public sealed class TimerRunner(StorageContext storage, IServiceProvider services, TimeProvider time, ILogger<TimerRunner> logger)
{
    private static readonly TimeSpan s_lease = TimeSpan.FromSeconds(60);

    public async Task<IReadOnlyList<string>> RunAsync(TimerFunction function, CancellationToken ct)
    {
        await storage.EnsureCreatedAsync(ct);
        var blob = storage.Locks.GetBlobClient(function.Name);
        var lease = blob.GetBlobLeaseClient();
        try
        {
            await AcquireAsync(blob, lease, ct);
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            var skipped = $"{function.Name}: another instance holds the lease and is running it; skipped.";
            logger.LogInformation("{Message}", skipped);
            return [skipped];
        }
        using var renewing = CancellationTokenSource.CreateLinkedTokenSource(ct);
        // A run that loses its lease stops: another instance may hold it and run the same work.
        using var running = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var renewal = RenewAsync(lease, running, renewing.Token);
        try
        {
            var started = time.GetUtcNow();
            using var activity = Telemetry.Source.StartActivity("timer " + function.Name);
            var logs = await function.Run(services, running.Token);
            Telemetry.TimerRuns.Add(1, new KeyValuePair<string, object?>("trading.timer", function.Name));
            Telemetry.TimerDuration.Record((time.GetUtcNow() - started).TotalSeconds, new KeyValuePair<string, object?>("trading.timer", function.Name));
            await blob.SetMetadataAsync(new Dictionary<string, string> { ["lastrun"] = started.UtcTicks.ToString(System.Globalization.CultureInfo.InvariantCulture) },
                new Azure.Storage.Blobs.Models.BlobRequestConditions { LeaseId = lease.LeaseId }, ct);
            foreach (var line in logs) logger.LogInformation("{Function}: {Line}", function.Name, line);
            return logs;
        }
        finally
        {
            await renewing.CancelAsync();
            await renewal;
            try { await lease.ReleaseAsync(cancellationToken: CancellationToken.None); }
            catch (RequestFailedException ex) { logger.LogWarning(ex, "Releasing the {Function} lease failed; it expires by itself", function.Name); }
        }
    }

    /// <summary>
    /// Takes the lease on the lock blob, creating the blob first if the lease finds none (its first run ever, or after the
    /// container was emptied): a create-if-absent on every run would cost a request a run for a blob that exists.
    /// </summary>
    private static async Task AcquireAsync(Azure.Storage.Blobs.BlobClient blob, BlobLeaseClient lease, CancellationToken ct)
    {
        try
        {
            await lease.AcquireAsync(s_lease, cancellationToken: ct);
        }
        catch (RequestFailedException ex) when (ex.Status == 404 && ex.ErrorCode == "BlobNotFound")
        {
            try { await blob.UploadAsync(BinaryData.FromString(blob.Name), overwrite: false, ct); }
            catch (RequestFailedException created) when (created.Status is 409 or 412) { /* created meanwhile (possibly leased) */ }
            await lease.AcquireAsync(s_lease, cancellationToken: ct);
        }
    }

    /// <summary>When the function last ran to the end (any instance), or null.</summary>
    public async Task<DateTimeOffset?> LastRunAsync(TimerFunction function, CancellationToken ct)
    {
        await storage.EnsureCreatedAsync(ct);
        try
        {
            var props = await storage.Locks.GetBlobClient(function.Name).GetPropertiesAsync(cancellationToken: ct);
            return props.Value.Metadata.TryGetValue("lastrun", out var ticks) ? new DateTimeOffset(long.Parse(ticks, System.Globalization.CultureInfo.InvariantCulture), TimeSpan.Zero) : null;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }

    private async Task RenewAsync(BlobLeaseClient lease, CancellationTokenSource lost, CancellationToken ct)
    {
        try
        {
            while (true)
            {
                await Task.Delay(s_lease / 3, ct);
                await lease.RenewAsync(cancellationToken: ct);
            }
        }
        catch (OperationCanceledException) { }
        catch (RequestFailedException ex)
        {
            logger.LogWarning(ex, "The timer lease was lost; the run stops where it is (the next run continues)");
            await lost.CancelAsync();
        }
    }
}

using Trading.Infra;

namespace Trading.Functions.Hosting;

/// <summary>
/// At start, creates the tables and starts the region rollups (on storage with no market yet they are complete from the
/// start), so that nothing a first request does depends on being first. Waits a few seconds for storage at most: an
/// instance started without storage serves meanwhile, and its first request tries again.
/// </summary>
public sealed class StorageStarter(StorageContext storage, RegionRollups rollups, ILogger<StorageStarter> logger) : IHostedService
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(5);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var starting = StartStorageAsync(cancellationToken);
        if (await Task.WhenAny(starting, Task.Delay(s_wait, cancellationToken)) != starting)
        {
            logger.LogWarning("Storage is not answering yet; tables and rollups start with the first request that reaches it");
            return;
        }
        try { await starting; }
        catch (Exception ex) when (ProblemsMiddleware.IsStorageFault(ex))
        {
            logger.LogWarning("Storage is not answering yet ({Error}); tables and rollups start with the first request that reaches it", ex.Message);
        }
    }

    private async Task StartStorageAsync(CancellationToken ct)
    {
        await storage.EnsureCreatedAsync(ct);
        await rollups.StartAsync(ct);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

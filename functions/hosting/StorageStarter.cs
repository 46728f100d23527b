using Trading.Infra;

namespace Trading.Functions.Hosting;

/// <summary>
/// At start, creates the tables and starts the region rollups (on storage with no market yet they are complete from the
/// start), so that nothing a first request does depends on being first. Waits a few seconds for storage at most: an
/// instance started without storage serves meanwhile, and its first request tries again.
/// </summary>
public sealed class StorageStarter(StorageContext storage, RegionRollups rollups, DueBackfill dueBackfill, LoanFigures loanFigures, ILogger<StorageStarter> logger)
    : IHostedService
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(3);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // A quick look first: storage that does not answer now is left to the first request that reaches it (starting
        // the tables' creation here would leave an attempt in flight that a request made once storage is back would join).
        using var quick = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        quick.CancelAfter(s_wait);
        try
        {
            await storage.PingAsync(quick.Token);
        }
        catch (Azure.RequestFailedException ex) when (ex.Status == 404)
        {
            // No tables yet: storage answers.
        }
        catch (Exception ex) when (ProblemsMiddleware.IsStorageFault(ex) || ex is OperationCanceledException)
        {
            logger.LogWarning("Storage is not answering yet; tables and rollups start with the first request that reaches it");
            return;
        }
        try
        {
            await storage.EnsureCreatedAsync(cancellationToken);
            await rollups.StartAsync(cancellationToken);
            await Task.WhenAll(dueBackfill.StartAsync(cancellationToken), loanFigures.StartAsync(cancellationToken)); // nothing to backfill on fresh storage
        }
        catch (Exception ex) when (ProblemsMiddleware.IsStorageFault(ex))
        {
            logger.LogWarning("Starting tables and rollups failed ({Error}); the first request that reaches storage starts them", ex.Message);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

using Trading.Functions.Hosting;
using Trading.Infra;

namespace Trading.Functions;

/// <summary>Runs import jobs in the background, one at a time; at start it resumes the jobs a stop cut off.</summary>
public sealed class ImportWorker(StorageContext storage, EnterpriseImports imports, ILogger<ImportWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Imports a stopped instance left running resume once storage answers.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await storage.EnsureCreatedAsync(stoppingToken);
                await imports.ResumeAsync(stoppingToken);
                break;
            }
            catch (Exception ex) when (ProblemsMiddleware.IsStorageFault(ex) && !stoppingToken.IsCancellationRequested)
            {
                if (attempt == 1) logger.LogWarning("Resuming imports waits for storage ({Error})", ex.Message);
                await Task.Delay(TimeSpan.FromSeconds(2), stoppingToken);
            }
        }
        await foreach (var id in imports.Queue.ReadAllAsync(stoppingToken))
        {
            try { await imports.RunAsync(id, stoppingToken); }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogError(ex, "Import {Id} stopped; it resumes at the next start", id);
            }
        }
    }
}

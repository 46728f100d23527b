namespace Trading.Functions.Hosting;

/// <summary>
/// Loads the demo data set into empty storage once the server is up, waiting for storage if it is not there yet (the
/// server serves meanwhile: health answers 503 until storage does).
/// </summary>
public sealed class DemoSeeder(IServiceProvider services, DemoGate gate, ILogger<DemoSeeder> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        for (var attempt = 1; !stoppingToken.IsCancellationRequested; attempt++)
        {
            try
            {
                if (!await DemoData.SeedIfEmptyAsync(services, logger, stoppingToken))
                    logger.LogInformation("Storage already holds data: demo data not loaded");
                gate.Open();
                return;
            }
            catch (Exception ex) when (ProblemsMiddleware.IsStorageFault(ex) && !stoppingToken.IsCancellationRequested)
            {
                if (attempt == 1) logger.LogWarning("Storage is not answering yet; the demo data set loads when it does ({Error})", ex.Message);
                await Task.Delay(TimeSpan.FromSeconds(2), stoppingToken);
            }
        }
    }
}

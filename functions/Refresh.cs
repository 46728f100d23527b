using Trading.Core.Finance;
using Trading.Core.Primitives;
using Trading.Functions.Hosting;
using Trading.Infra;

namespace Trading.Functions;

/// <summary>
/// Refreshes matches right after a change. The change itself is already recorded; a refresh that fails is logged and
/// left to the hourly RefreshMatches run, rather than turning a recorded change into an error.
/// </summary>
public static class Refresh
{
    public static Task ProductAsync(HttpContext context, LoanProduct product) =>
        RunAsync(context, $"product {product.Key}", r => r.RefreshProductAsync(product, context.RequestAborted));

    public static Task FirmAsync(HttpContext context, CreditCode code) =>
        RunAsync(context, $"enterprise {code}", r => r.RefreshFirmAsync(code, context.RequestAborted));

    private static async Task RunAsync(HttpContext context, string what, Func<MatchRefresher, Task> refresh)
    {
        try
        {
            await refresh(context.Service<MatchRefresher>());
        }
        catch (Exception ex) when (ProblemsMiddleware.IsStorageFault(ex) && !context.RequestAborted.IsCancellationRequested)
        {
            context.Service<ILoggerFactory>().CreateLogger("Refresh").LogWarning(ex, "Refreshing matches of {What} failed; RefreshMatches will catch up", what);
        }
    }
}

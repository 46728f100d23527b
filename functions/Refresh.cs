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
    /// <summary>
    /// A product's scope, on the request path for at most the request's budget (<see cref="RequestRefreshOptions"/>);
    /// a scope that takes longer (a nationwide product) is handed to the <see cref="ProductRefreshWorker"/> with nothing
    /// written, and the answer does not wait for it.
    /// </summary>
    public static async Task ProductAsync(HttpContext context, LoanProduct product)
    {
        var worker = context.Service<ProductRefreshWorker>();
        // A product the worker is refreshing is refreshed there once more, from its row as it is now (one at a time).
        if (worker.JoinIfPending(product)) return;
        var options = context.Service<RequestRefreshOptions>();
        var budget = new TimerBudget(context.Service<TimeProvider>(), options.Budget, options.Steps);
        var done = await RunAsync(context, $"product {product.Key}", r => r.RefreshProductAsync(product, budget, context.RequestAborted));
        if (!done) worker.Enqueue(product);
    }

    public static Task FirmAsync(HttpContext context, CreditCode code) =>
        RunAsync(context, $"enterprise {code}", async r => { await r.RefreshFirmAsync(code, context.RequestAborted); return true; });

    /// <summary>Runs <paramref name="refresh"/>; false only when it answered false (not finished); true also after a logged fault.</summary>
    private static async Task<bool> RunAsync(HttpContext context, string what, Func<MatchRefresher, Task<bool>> refresh)
    {
        try
        {
            return await refresh(context.Service<MatchRefresher>());
        }
        catch (Exception ex) when (ProblemsMiddleware.IsStorageFault(ex) && !context.RequestAborted.IsCancellationRequested)
        {
            context.Service<ILoggerFactory>().CreateLogger("Refresh").LogWarning(ex, "Refreshing matches of {What} failed; RefreshMatches will catch up", what);
            return true;
        }
    }
}

using System.Diagnostics;
using System.Threading.Channels;
using Trading.Core.Access;
using Trading.Core.Finance;
using Trading.Functions.Hosting;
using Trading.Infra;

namespace Trading.Functions;

/// <summary>
/// Finishes in the background the refresh of a product whose PUT could not refresh its scope within the request's budget
/// (a nationwide product reads every firm), so that its bank sees the eligible list fresh soon after rather than at the
/// next hourly RefreshMatches run. One refresh per product at a time (a product handed over again while its refresh runs
/// is refreshed once more after it, from its row as it is then), a few products at once; stopped with the host. A refresh
/// that fails is logged: the product's dirty mark, left by its PUT, has the next RefreshMatches run evaluate it, and so
/// does a process that dies with refreshes queued.
/// </summary>
public sealed class ProductRefreshWorker(MatchRefresher refresher, ProductStore products, RequestRefreshOptions options, TimeProvider time,
    ILogger<ProductRefreshWorker> logger) : BackgroundService
{
    /// <summary>Products refreshed at once.</summary>
    public const int Concurrency = 2;

    private enum State { Queued, Running, RunningAgain }

    private readonly Channel<(BankId Bank, string ProductId)> _queue = Channel.CreateUnbounded<(BankId, string)>();
    private readonly Dictionary<(BankId, string), State> _states = [];
    private long _refreshed;

    /// <summary>Refreshes finished since the start.</summary>
    public long Refreshed => Interlocked.Read(ref _refreshed);

    /// <summary>Products queued or being refreshed (a bench waits for none).</summary>
    public int Pending
    {
        get { lock (_states) return _states.Count; }
    }

    /// <summary>Hands a product over; false when background refreshes are off (the next RefreshMatches run does it).</summary>
    public bool Enqueue(LoanProduct product)
    {
        if (!options.Background) return false;
        var key = (product.Bank, product.ProductId);
        lock (_states)
        {
            if (!Join(key)) { _states[key] = State.Queued; _queue.Writer.TryWrite(key); }
        }
        return true;
    }

    /// <summary>
    /// Whether the product is queued or being refreshed here; if so it is refreshed (once more) after the refresh under
    /// way, and the caller refreshes nothing itself: one refresh of a product at a time, the last from its latest row.
    /// </summary>
    public bool JoinIfPending(LoanProduct product)
    {
        lock (_states) return Join((product.Bank, product.ProductId));
    }

    /// <summary>Under the lock: a queued product stays queued, a running one runs again after; false if neither.</summary>
    private bool Join((BankId, string) key)
    {
        if (!_states.TryGetValue(key, out var state)) return false;
        if (state == State.Running) _states[key] = State.RunningAgain;
        return true;
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, Concurrency).Select(_ => WorkAsync(stoppingToken)));

    private async Task WorkAsync(CancellationToken ct)
    {
        await foreach (var key in _queue.Reader.ReadAllAsync(ct))
        {
            lock (_states) _states[key] = State.Running;
            do await RefreshAsync(key.Bank, key.ProductId, ct);
            while (!Done(key));
        }
    }

    /// <summary>Whether the product's refresh is over (false: it was handed over again meanwhile, and runs once more).</summary>
    private bool Done((BankId, string) key)
    {
        lock (_states)
        {
            if (_states[key] == State.RunningAgain) { _states[key] = State.Running; return false; }
            _states.Remove(key);
            return true;
        }
    }

    private async Task RefreshAsync(BankId bank, string productId, CancellationToken ct)
    {
        try
        {
            var watch = Stopwatch.StartNew();
            if (await products.GetAsync(bank, productId, ct) is not { } product) return;
            await refresher.RefreshProductAsync(product, TimerBudget.Unbounded(time), ct);
            Interlocked.Increment(ref _refreshed);
            logger.LogInformation("Matches of product {Product} refreshed in the background in {Ms} ms", product.Key, watch.ElapsedMilliseconds);
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            if (ProblemsMiddleware.IsStorageFault(ex))
                logger.LogWarning(ex, "Refreshing matches of product {Bank}|{Product} in the background failed; RefreshMatches will catch up", bank, productId);
            else
                logger.LogError(ex, "Refreshing matches of product {Bank}|{Product} in the background failed; RefreshMatches will catch up", bank, productId);
        }
    }
}

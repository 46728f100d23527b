namespace Trading.Infra;

/// <summary>Fan-out over markets, firms or offers with a bound on concurrent storage calls.</summary>
public static class Bounded
{
    public const int DefaultConcurrency = 16;

    /// <summary>Maps every item with at most <paramref name="concurrency"/> calls in flight; results in the items' order.</summary>
    public static async Task<TResult[]> SelectAsync<T, TResult>(IReadOnlyList<T> items, Func<T, Task<TResult>> map, int concurrency, CancellationToken ct)
    {
        var results = new TResult[items.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, items.Count), new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = ct },
            async (i, _) => results[i] = await map(items[i]));
        return results;
    }
}

namespace Trading.Infra;

internal static class AsyncEnumerableExtensions
{
    public static async Task<T> FirstAsync<T>(this IAsyncEnumerable<T> source, CancellationToken ct)
    {
        await foreach (var item in source.WithCancellation(ct)) return item;
        throw new InvalidOperationException("empty sequence");
    }
}

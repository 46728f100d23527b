using System.Diagnostics;

namespace Trading.Bench;

/// <summary>What the HTTP benchmarks share: a checked request, latency percentiles, throughput of 16 concurrent workers.</summary>
public static class BenchHttp
{
    public static async Task Send(HttpClient http, HttpMethod method, string path, string json, string? key = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json") };
        if (key is not null) request.Headers.Add("Idempotency-Key", key);
        using var response = await http.SendAsync(request);
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{method} {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    public static async Task<(double Median, double P95)> Latency(Func<Task> action, int count)
    {
        var samples = new List<double>(count);
        for (var i = 0; i < count; i++)
        {
            var sw = Stopwatch.StartNew();
            await action();
            samples.Add(sw.Elapsed.TotalMilliseconds);
        }
        samples.Sort();
        return (samples[count / 2], samples[(int)(count * 0.95)]);
    }

    public static async Task<double> Throughput(Func<string, Task> action, int count, IReadOnlyList<string> markets)
    {
        var next = 0;
        var sw = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, 16).Select(async worker =>
        {
            while (Interlocked.Increment(ref next) <= count) await action(markets[worker % markets.Count]);
        }));
        return count / sw.Elapsed.TotalSeconds;
    }
}

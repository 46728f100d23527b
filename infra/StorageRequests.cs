using System.Collections.Concurrent;

namespace Trading.Infra;

/// <summary>
/// How many storage requests this process made, by service, kind and table/container/queue (counted by
/// <see cref="StorageRequestPolicy"/> on every Azure SDK client <see cref="StorageContext"/> creates, retries included:
/// each attempt reaches storage), and the storage requests of each answered HTTP request with their sequential round
/// trips (<see cref="StorageRequestScope"/>). Always on: an Interlocked increment per request, and a short list of
/// intervals per HTTP request; tests and benches read it.
/// </summary>
public sealed class StorageRequests
{
    private static readonly AsyncLocal<StorageRequestScope?> s_current = new();
    private readonly ConcurrentDictionary<string, StrongBox> _counts = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<StorageRequestScope.Summary> _answered = new();
    private long _total;

    /// <summary>Answered HTTP requests kept for readers (the oldest are dropped beyond this).</summary>
    public const int MaxAnswered = 10_000;

    /// <summary>
    /// A delay added to every storage request (zero unless a bench or test sets it): against a local emulator answering in
    /// well under a millisecond, requests sent together may not overlap in time; with a delay like a real account's they
    /// do, so the round trips a scope counts are the ones a caller would wait for.
    /// </summary>
    public TimeSpan AddedLatency { get; set; }

    /// <summary>Every storage request since the start or the last <see cref="Reset"/>.</summary>
    public long Total => Interlocked.Read(ref _total);

    /// <summary>Requests by key <c>{service} {kind} {name}</c>, e.g. <c>table point-read ledger</c>, <c>blob put audit</c>.</summary>
    public IReadOnlyDictionary<string, long> ByKey() => _counts.ToDictionary(p => p.Key, p => Interlocked.Read(ref p.Value.Count), StringComparer.Ordinal);

    /// <summary>Requests by <c>{service} {kind}</c>, summed over names.</summary>
    public IReadOnlyDictionary<string, long> ByKind() => ByKey()
        .GroupBy(p => string.Join(' ', p.Key.Split(' ').Take(2)), StringComparer.Ordinal)
        .ToDictionary(g => g.Key, g => g.Sum(p => p.Value), StringComparer.Ordinal);

    /// <summary>What each HTTP request made before its answer, oldest first (at most <see cref="MaxAnswered"/>).</summary>
    public IReadOnlyList<StorageRequestScope.Summary> Answered() => _answered.ToArray();

    /// <summary>Starts counting from zero (the answered list too).</summary>
    public void Reset()
    {
        _counts.Clear();
        _answered.Clear();
        Interlocked.Exchange(ref _total, 0);
    }

    /// <summary>
    /// Scopes the storage requests made from here on in this async flow (an HTTP request) until the scope is disposed
    /// (its answer): requests that end before then are its own. Background work started inside inherits the scope; what
    /// it does after the answer is not the scope's.
    /// </summary>
    public StorageRequestScope BeginScope(string name)
    {
        var scope = new StorageRequestScope(name, this);
        s_current.Value = scope;
        return scope;
    }

    /// <summary>The scope of the current async flow, if any.</summary>
    internal static StorageRequestScope? Current => s_current.Value;

    internal void Count(string key)
    {
        Interlocked.Increment(ref _total);
        Interlocked.Increment(ref _counts.GetOrAdd(key, static _ => new StrongBox()).Count);
    }

    internal void Answer(StorageRequestScope.Summary summary)
    {
        _answered.Enqueue(summary);
        while (_answered.Count > MaxAnswered && _answered.TryDequeue(out _)) { }
    }

    private sealed class StrongBox
    {
        public long Count;
    }
}

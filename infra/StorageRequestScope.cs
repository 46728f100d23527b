using System.Diagnostics;

namespace Trading.Infra;

/// <summary>
/// The storage requests of one HTTP request, from its start to its answer (<see cref="StorageRequests.BeginScope"/>):
/// each request's kind and start and end times. Its sequential round trips are the longest chain of requests each of
/// which started after the one before it ended (requests in flight together are one round trip): the number of storage
/// round trips the caller waited for, whatever ran in parallel.
/// </summary>
public sealed class StorageRequestScope : IDisposable
{
    private readonly StorageRequests _owner;
    private readonly List<(long Start, long End, string Key)> _requests = [];
    private readonly Lock _gate = new();
    private bool _closed;

    internal StorageRequestScope(string name, StorageRequests owner)
    {
        Name = name;
        _owner = owner;
    }

    /// <summary>What the scope is (an HTTP request's method and path).</summary>
    public string Name { get; }

    /// <summary>What an HTTP request made before its answer.</summary>
    /// <param name="Name">Its method and path.</param>
    /// <param name="Requests">Storage requests that ended before the answer.</param>
    /// <param name="RoundTrips">Sequential round trips among them (<see cref="StorageRequestScope"/>).</param>
    /// <param name="Keys">Each request's key (<see cref="StorageRequests.ByKey"/>), in the order they ended.</param>
    public sealed record Summary(string Name, int Requests, int RoundTrips, IReadOnlyList<string> Keys);

    /// <summary>A storage request of this scope ended; false when the scope was closed already (it is not counted here).</summary>
    internal void Ended(long start, long end, string key)
    {
        lock (_gate)
        {
            if (!_closed) _requests.Add((start, end, key));
        }
    }

    public void Dispose()
    {
        List<(long Start, long End, string Key)> requests;
        lock (_gate)
        {
            if (_closed) return;
            _closed = true;
            requests = [.. _requests];
        }
        // Earliest end first: the most requests of which each starts after the previous one ended.
        var trips = 0;
        var end = long.MinValue;
        foreach (var r in requests.OrderBy(r => r.End))
        {
            if (r.Start < end) continue;
            trips++;
            end = r.End;
        }
        _owner.Answer(new Summary(Name, requests.Count, trips, requests.OrderBy(r => r.End).Select(r => r.Key).ToList()));
    }

    internal static long Now() => Stopwatch.GetTimestamp();
}

namespace Trading.Tests.Support;

/// <summary>
/// The HTTP handler under a server's storage clients (<c>StorageOptions.Handler</c>): counts the storage requests, and can
/// fail some of them (<see cref="FailWhen"/>) or, once tripped (<see cref="TripAt"/>), every request from the n-th on, as
/// storage would look to a process that died at that point: nothing it sends after it lands.
/// </summary>
public sealed class StorageFaults() : DelegatingHandler(new HttpClientHandler())
{
    private long _requests;
    private long _writes;
    private long _tripAt = long.MaxValue;
    private Action? _onTrip;
    private int _tripped;

    /// <summary>Storage requests sent so far (failed ones included).</summary>
    public long Requests => Interlocked.Read(ref _requests);

    /// <summary>Requests that may change something (all but GET and HEAD), leaving out the timer leases' container (<c>locks</c>).</summary>
    public long Writes => Interlocked.Read(ref _writes);

    /// <summary>Requests this handler answers 503 always (null: none); e.g. the rollups table during a set-up.</summary>
    public Func<HttpRequestMessage, bool>? FailWhen { get; init; }

    /// <summary>Whether the handler tripped: every request since the n-th failed.</summary>
    public bool Tripped => Volatile.Read(ref _tripped) == 1;

    /// <summary>Counts from zero again.</summary>
    public void Reset() => Interlocked.Exchange(ref _requests, 0);

    /// <summary>From the <paramref name="n"/>-th request after this call on, every request fails; <paramref name="onTrip"/> runs once then.</summary>
    public void TripAt(long n, Action? onTrip = null)
    {
        _onTrip = onTrip;
        Interlocked.Exchange(ref _requests, 0);
        Interlocked.Exchange(ref _tripAt, n);
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        var n = Interlocked.Increment(ref _requests);
        if (request.Method != HttpMethod.Get && request.Method != HttpMethod.Head && !request.RequestUri!.AbsolutePath.Contains("locks/", StringComparison.Ordinal))
            Interlocked.Increment(ref _writes);
        if (n >= Interlocked.Read(ref _tripAt))
        {
            if (Interlocked.Exchange(ref _tripped, 1) == 0) _onTrip?.Invoke();
            throw new HttpRequestException($"storage unreachable: the process died at storage request {Interlocked.Read(ref _tripAt)} (test)");
        }
        if (FailWhen?.Invoke(request) == true)
            return Task.FromResult(new HttpResponseMessage(System.Net.HttpStatusCode.ServiceUnavailable) { RequestMessage = request, Content = new StringContent("") });
        return base.SendAsync(request, ct);
    }
}

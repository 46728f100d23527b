using Azure;

namespace Trading.Infra;

/// <summary>What a storage call that failed throws: an answer, a transport failure, a timeout, or (after the SDK's retries) all of these at once.</summary>
public static class StorageFault
{
    /// <summary>True for a storage call's failure (never for a bug): after-commit work logs these and lets the timers catch up.</summary>
    public static bool Is(Exception ex) =>
        ex is RequestFailedException or HttpRequestException or TimeoutException or OperationCanceledException
        || (ex is AggregateException all && all.InnerExceptions.Count > 0 && all.InnerExceptions.All(Is));
}

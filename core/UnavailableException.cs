namespace Trading.Core;

/// <summary>Storage did not answer, or a market stayed too busy to commit in time (503). Nothing was written.</summary>
public sealed class UnavailableException(string detail, Exception? inner = null) : Exception(detail, inner)
{
    public TimeSpan RetryAfter { get; init; } = TimeSpan.FromSeconds(2);
}

namespace Trading.Core;

/// <summary>A client asked more often than its limit allows (429): it may ask again after <see cref="RetryAfter"/>.</summary>
public sealed class TooManyRequestsException(string detail, TimeSpan retryAfter) : DomainException("Too many requests.", detail)
{
    public TimeSpan RetryAfter { get; } = retryAfter;
}

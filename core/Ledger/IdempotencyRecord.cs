using Trading.Core.Writes;

namespace Trading.Core.Ledger;

/// <summary>
/// A caller's idempotency key as bound in a partition, written in the same transaction as the change it created: the
/// request's fingerprint, the created resource and the answer given (so a retry gets the same body back). A <em>fence</em>
/// is written by a request that takes over an abandoned key binding, in the partition the abandoned request named: it
/// names the token of the binding that may still commit there, so the abandoned request never can.
/// </summary>
public sealed record IdempotencyRecord(string CallerKeyHash, string Fingerprint, string ResourceId, string? Answer) : IRow
{
    private const string FencePrefix = "fence:";

    public bool IsFence => Fingerprint.StartsWith(FencePrefix, StringComparison.Ordinal);

    /// <summary>True for a fence that lets the binding with <paramref name="token"/> commit.</summary>
    public bool Admits(string? token) => IsFence && token is not null && Fingerprint == FencePrefix + token;

    public static IdempotencyRecord Fence(string callerKeyHash, string token) => new(callerKeyHash, FencePrefix + token, "", null);

    public TResult Accept<TResult>(IRowVisitor<TResult> visitor) => visitor.Visit(this);
}

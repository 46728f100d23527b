using Trading.Core.Writes;

namespace Trading.Core.Ledger;

/// <summary>
/// A caller's idempotency key as bound in a partition, written in the same transaction as the change it created: the
/// request's fingerprint, the created resource and the answer given (so a retry gets the same body back). A <em>fence</em>
/// is written by a request that takes over an abandoned key binding, in the partition the abandoned request named: it
/// names the tokens of the bindings that were taken over, so the abandoned requests never commit there, while any later
/// request under the key still can (a takeover that is itself refused leaves no wedge behind).
/// </summary>
public sealed record IdempotencyRecord(string CallerKeyHash, string Fingerprint, string ResourceId, string? Answer) : IRow
{
    private const string FencePrefix = "fence:";

    public bool IsFence => Fingerprint.StartsWith(FencePrefix, StringComparison.Ordinal);

    /// <summary>The tokens a fence shuts out.</summary>
    public IReadOnlyList<string> Excluded => IsFence ? Fingerprint[FencePrefix.Length..].Split('!', StringSplitOptions.RemoveEmptyEntries) : [];

    /// <summary>True for a fence that lets the binding with <paramref name="token"/> commit (any but the taken-over ones).</summary>
    public bool Admits(string? token) => IsFence && token is not null && !Excluded.Contains(token);

    /// <summary>A fence that shuts out the binding with <paramref name="token"/>.</summary>
    public static IdempotencyRecord Fence(string callerKeyHash, string token) => new(callerKeyHash, FencePrefix + "!" + token, "", null);

    /// <summary>This fence, shutting out <paramref name="token"/> too.</summary>
    public IdempotencyRecord Excluding(string token) => Excluded.Contains(token) ? this : this with { Fingerprint = Fingerprint + "!" + token };

    public TResult Accept<TResult>(IRowVisitor<TResult> visitor) => visitor.Visit(this);
}

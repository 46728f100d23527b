using Trading.Core.Access;

namespace Trading.Core.Writes;

/// <summary>
/// A caller's idempotency key bound across partitions and books, so that a retry naming another partition is still
/// recognised (port). A binding is claimed while the partition loads (an insert: first writer wins), released when the
/// request is refused, and taken over when the request that made it died before committing: the takeover first fences
/// the old partition (an idempotency row naming the new binding's token), so the old request can never commit. Another
/// request with the same key and body adopts a binding by writing it before it commits, so that the binding's maker, if
/// refused, can tell whether it may delete it.
/// </summary>
public interface IKeyBindings
{
    /// <summary>
    /// Binds the key to this request under <paramref name="token"/> if it is free (Made true: the key was never bound, so
    /// never committed under); else the key's binding if it is this request's or abandoned (Made false); 422 if it is
    /// bound to another request that took effect or may still.
    /// </summary>
    Task<(KeyBinding Binding, bool Made)> ClaimAsync(Principal caller, string callerKeyHash, string fingerprint, string book, string partition, string token,
        CancellationToken ct);

    /// <summary>
    /// This request's binding, made by another request with the same key and body, written again (under If-Match) before
    /// this request commits under its token; null when it changed meanwhile (released, adopted or taken over: claim again).
    /// </summary>
    Task<KeyBinding?> AdoptAsync(KeyBinding binding, CancellationToken ct);

    /// <summary>
    /// Removes a binding this request claimed, when the request is refused or writes nothing, unless another request
    /// adopted it meanwhile (then it stays: that request may commit under it).
    /// </summary>
    Task ReleaseAsync(KeyBinding claimed, CancellationToken ct);

    /// <summary>The key's binding if it is bound to this request (or abandoned); 422 if it is bound to another request that took effect or may still.</summary>
    Task<KeyBinding?> FindAsync(string callerKeyHash, string fingerprint, CancellationToken ct);

    /// <summary>
    /// Binds the key to this request under <paramref name="token"/> (first writer wins), or takes over an abandoned
    /// binding after fencing its partition; true when this call made the binding.
    /// </summary>
    Task<(KeyBinding Binding, bool Made)> BindAsync(Principal caller, string callerKeyHash, string fingerprint, string book, string partition, string token,
        KeyBinding? abandoned, CancellationToken ct);

    Task UnbindAsync(KeyBinding binding, CancellationToken ct);
}

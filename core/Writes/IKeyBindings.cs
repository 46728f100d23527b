using Trading.Core.Access;

namespace Trading.Core.Writes;

/// <summary>
/// A caller's idempotency key bound across partitions and books, so that a retry naming another partition is still
/// recognised (port). A binding is made before the first commit, removed when the request is refused, and taken over
/// when the request that made it died before committing: the takeover first fences the old partition (an idempotency row
/// naming the new binding's token), so the old request can never commit.
/// </summary>
public interface IKeyBindings
{
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

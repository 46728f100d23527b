namespace Trading.Core.Writes;

/// <summary>
/// A caller's idempotency key as bound across partitions: to which request (fingerprint), in which book and partition,
/// since when, under which token (the fence a later takeover writes names the token that may still commit), and the
/// binding row's version.
/// </summary>
public sealed record KeyBinding(string CallerKeyHash, string Fingerprint, string Book, string Partition, DateTimeOffset BoundAt, string Token, string Version,
    bool Mine);

using Azure;

namespace Trading.Infra;

/// <summary>A caller's idempotency key as bound across partitions: to which request (fingerprint), in which book and partition, since when.</summary>
public sealed record KeyBinding(string CallerKeyHash, string Fingerprint, string Book, string Partition, DateTimeOffset BoundAt, ETag ETag, bool Mine);

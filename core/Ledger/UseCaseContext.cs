using Trading.Core.Access;

namespace Trading.Core.Ledger;

/// <summary>
/// Who runs a use case and when. <see cref="CallerKeyHash"/> is the caller's idempotency key (hashed with the caller's
/// identity: a key belongs to its caller) for use cases that create something; null for state changes, which are
/// idempotent by state.
/// </summary>
public sealed record UseCaseContext(Principal Caller, DateTimeOffset Now, string? CallerKeyHash = null, string? TraceId = null);

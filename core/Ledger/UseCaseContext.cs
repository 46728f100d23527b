using Trading.Core.Access;

namespace Trading.Core.Ledger;

/// <summary>
/// Who runs a use case and when. <see cref="CallerKeyHash"/> is the caller's idempotency key (hashed with the caller's
/// identity: a key belongs to its caller) for use cases that create something; null for state changes, which are
/// idempotent by state. <see cref="BindingToken"/> is the token of the key's binding this request holds (or will make):
/// a fence in the partition admits only it.
/// </summary>
public sealed record UseCaseContext(Principal Caller, DateTimeOffset Now, string? CallerKeyHash = null, string? TraceId = null, string? BindingToken = null);

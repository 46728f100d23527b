namespace Trading.Core.Ledger;

/// <summary>
/// A caller's idempotency key as bound in a market, written in the same transaction as the change it created: the
/// request's fingerprint, the created resource and the answer given (so a retry gets the same body back).
/// </summary>
public sealed record IdempotencyRecord(string CallerKeyHash, string Fingerprint, string ResourceId, string? Answer);

namespace Trading.Core.Finance;

/// <summary>
/// A pledge's life: requested (by the bank or the holder, waiting for the other), then active (its quantity is pledged)
/// or rejected, cancelled, expired; an active pledge ends released. Registered by the bureau, it starts active.
/// <see cref="Offered"/>: offered by a firm with its loan application (its quantity frozen, not pledged) until the bank
/// grants the loan (active, for what the bank takes), or the application is declined (rejected), withdrawn (cancelled)
/// or expires (expired).
/// </summary>
public enum PledgeStatus
{
    Requested,
    Active,
    Released,
    Rejected,
    Cancelled,
    Expired,
    Offered,
}

namespace Trading.Core.Finance;

/// <summary>
/// A pledge's life: requested (by the bank or the holder, waiting for the other), then active (its quantity is pledged)
/// or rejected, cancelled, expired; an active pledge ends released. Registered by the bureau, it starts active.
/// </summary>
public enum PledgeStatus
{
    Requested,
    Active,
    Released,
    Rejected,
    Cancelled,
    Expired,
}

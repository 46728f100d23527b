namespace Trading.Core.Ledger;

/// <summary>A trade proposal's life: proposed, then settled (confirmed), rejected, cancelled or expired, never back.</summary>
public enum ProposalStatus
{
    Proposed,
    Settled,
    Rejected,
    Cancelled,
    Expired,
}

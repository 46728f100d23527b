namespace Trading.Core.Market;

/// <summary>
/// What falls due at a known time: in a market, an offer's expiry (ended by <c>ExpireProposals</c>) or an auction's close
/// (settled by <c>CloseAuctions</c>); in a bank's book, a loan process's step left to do or an application's 30 days
/// (driven to rest by the finisher of <c>ExpireProposals</c>).
/// </summary>
public enum DueKind
{
    Proposal,
    Pledge,
    Listing,
    Auction,

    /// <summary>An application with a step left (<c>Pending</c>): due when the change that left it so is written.</summary>
    ApplicationStep,

    /// <summary>A submitted application not decided within its 30 days.</summary>
    ApplicationExpiry,

    /// <summary>A repaid loan whose pledge is not yet released (<c>Pending</c>).</summary>
    LoanStep,
}

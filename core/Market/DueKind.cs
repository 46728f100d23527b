namespace Trading.Core.Market;

/// <summary>What falls due in a market at a known time: an offer's expiry (ended by <c>ExpireProposals</c>) or an auction's close (settled by <c>CloseAuctions</c>).</summary>
public enum DueKind
{
    Proposal,
    Pledge,
    Listing,
    Auction,
}

namespace Trading.Core.Market;

/// <summary>One piece of due work in a market: the offer or auction <paramref name="Number"/> of <paramref name="Kind"/>, due at <paramref name="DueAt"/>.</summary>
public sealed record DueItem(DueKind Kind, long Number, DateTimeOffset DueAt)
{
    /// <summary>Whether the <c>CloseAuctions</c> timer does it (otherwise <c>ExpireProposals</c>).</summary>
    public bool IsClose => Kind == DueKind.Auction;

    /// <summary>Whether it falls due in a bank's book (a loan process's step or an application's 30 days), not a market.</summary>
    public bool InBank => Kind is DueKind.ApplicationStep or DueKind.ApplicationExpiry or DueKind.LoanStep;

    /// <summary>
    /// Whether it is indexed together with the row it is about, created by the same change (an offer, an auction, an
    /// application): that row then exists only once the change committed. A step is indexed by a change to a row that
    /// existed before it.
    /// </summary>
    public bool OnNewRow => Kind is not (DueKind.ApplicationStep or DueKind.LoanStep);
}

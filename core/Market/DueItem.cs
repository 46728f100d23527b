namespace Trading.Core.Market;

/// <summary>One piece of due work in a market: the offer or auction <paramref name="Number"/> of <paramref name="Kind"/>, due at <paramref name="DueAt"/>.</summary>
public sealed record DueItem(DueKind Kind, long Number, DateTimeOffset DueAt)
{
    /// <summary>Whether the <c>CloseAuctions</c> timer does it (otherwise <c>ExpireProposals</c>).</summary>
    public bool IsClose => Kind == DueKind.Auction;
}

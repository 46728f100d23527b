namespace Trading.Core.Market;

/// <summary>A listing's life: open until what it offers is all taken (filled), or it is withdrawn or expires.</summary>
public enum ListingStatus
{
    Open,
    Filled,
    Withdrawn,
    Expired,
}

namespace Trading.Core.Market;

/// <summary>An auction is open for bids in its window, then closing while its winners are settled one by one, then closed.</summary>
public enum AuctionStatus
{
    Open,
    Closing,
    Closed,
}

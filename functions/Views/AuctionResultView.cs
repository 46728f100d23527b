namespace Trading.Functions;

/// <summary>A closed auction as its bidder sees it, with that bidder's own result (filled quantity and trade, or none).</summary>
public sealed record AuctionResultView(AuctionView Auction, BidView Bid);

namespace Trading.Core.Market;

/// <summary>A closed auction with its results, for one bidder (<see cref="Bid"/>, filled or not): the resource of an <c>auction.closed</c> event.</summary>
public sealed record AuctionResult(Auction Auction, IReadOnlyList<Bid> Bids, Bid Bid);

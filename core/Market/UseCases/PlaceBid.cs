using Trading.Core.Ledger;
using Trading.Core.Primitives;

namespace Trading.Core.Market.UseCases;

/// <summary>
/// An enterprise bids in an open auction, inside its window (422 otherwise): a price on the grid (start price plus whole
/// increments), a quantity from the minimum lot to the auction's quantity. A bidder has one bid, replaced only by a
/// higher price (422 otherwise); the replaced bid's time is the time of the raise.
/// </summary>
public sealed record PlaceBid(MarketId Market, long AuctionNumber, Holder Bidder, Quantity Quantity, Money UnitPrice) : IMarketUseCase<Bid>
{
    public string Action => "bid.placed";
    public string? Fingerprint => Hashing.Sha256Hex(string.Join('\n', "bid", Market.Key, AuctionNumber, Bidder.Value, Quantity.Grams, UnitPrice.Fen));

    public MarketReads Reads(MarketSnapshot? loaded, UseCaseContext context) => new() { Auctions = [AuctionNumber], Bids = [(AuctionNumber, Bidder)] };

    public Decision<Bid> Decide(MarketSnapshot snapshot, UseCaseContext context)
    {
        if (context.Caller.Role != Access.Role.Enterprise || context.Caller.Subject != Bidder.Value)
            throw new ForbiddenException("An enterprise bids for itself only.");
        if (snapshot.Auctions.GetValueOrDefault(AuctionNumber) is not { Exists: true } row) throw new NotFoundException($"No auction {Auction.IdOf(Market, AuctionNumber)}.");
        var auction = row.Value;
        var r = auction.Request;
        if (!auction.AcceptsBidsAt(context.Now))
            throw new RuleViolationException($"Auction {auction.Id} takes bids from {Timestamps.Format(r.OpensAt)} until {Timestamps.Format(r.ClosesAt)}.", "The auction is not open.");
        if (!r.OnGrid(UnitPrice))
            throw new RuleViolationException($"A bid's price is the start price {r.StartPrice.Yuan:0.00} plus a whole number of increments of {r.Increment.Yuan:0.00}.", "The price is off the grid.");
        if (Quantity < r.MinLot || Quantity > r.Quantity)
            throw new RuleViolationException($"A bid is for {r.MinLot.Tonnes} to {r.Quantity.Tonnes} t/a.", "The quantity is out of range.");
        // The trade this bid may become stays within the ledger's range (422), or the auction could never settle.
        TradeTermsInput.RequireAmountInRange(Quantity, UnitPrice, r.TermYears);
        var mine = snapshot.Bids[(AuctionNumber, Bidder)];
        if (mine.Exists && UnitPrice <= mine.Value.UnitPrice)
            throw new RuleViolationException($"Your bid is at {mine.Value.UnitPrice.Yuan:0.00}; a new bid must be at a higher price.", "A bid is only raised.");
        var bid = new Bid(AuctionNumber, Bidder, Quantity, UnitPrice, context.Now);
        var updated = auction with
        {
            Bids = mine.Exists ? auction.Bids : auction.Bids + 1,
            BestPrice = auction.BestPrice is { } best && best >= UnitPrice ? best : UnitPrice,
        };
        return new Decision<Bid>(bid, [RowChange.Of(mine, bid), RowChange.Of(row, updated)], null, [new AuditEntry(Action, auction.Id)])
        {
            ResourceId = auction.Id + "/bids/mine",
        };
    }
}

using Trading.Core.Ledger;
using Trading.Core.Primitives;

namespace Trading.Core.Market.UseCases;

/// <summary>
/// A seller lists rights (挂牌): its quantity is frozen at once (409 with <c>available</c>), and when the market has a
/// reference price the unit price must lie within ±30 % of it (422 with <c>referencePrice</c> and <c>band</c>).
/// </summary>
public sealed record PostListing(ListingRequest Request) : IMarketUseCase<Listing>
{
    public MarketId Market => Request.Market;
    public string Action => "listing.posted";
    public string? Fingerprint => Request.Fingerprint();

    public MarketReads Reads(MarketSnapshot? loaded, UseCaseContext context) =>
        new() { Holders = [Request.Seller], PriceDays = ReferencePrice.Window(context.Now) };

    public Decision<Listing> Decide(MarketSnapshot snapshot, UseCaseContext context)
    {
        Access.MarketAccess.RequireMaySell(context.Caller, Request.Seller, Market);
        Settlement.RequireUnitPriceInRange(Request.UnitPrice);
        ReferencePrice.RequireInBand(Request.UnitPrice, ReferencePrice.From(snapshot.PriceDays!, context.Now));
        var head = snapshot.Head.Value;
        var number = checked(head.ListingCount + 1);
        var seller = snapshot.Holding(Request.Seller);
        var listing = new Listing(number, Request, Request.Quantity, ListingStatus.Open, context.Now, context.Caller.Id,
            Request.ExpiresAt ?? context.Now + ListingRequest.DefaultLifetime);
        return new Decision<Listing>(listing, [RowChange.New(listing), RowChange.Of(seller, seller.Value.Freeze(Market, Request.Quantity, "list"))],
            head with { ListingCount = number, OpenListings = head.OpenListings + 1 }, [new AuditEntry(Action, listing.Id)]) { ResourceId = listing.Id };
    }
}

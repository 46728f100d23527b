using Trading.Core.Ledger;
using Trading.Core.Primitives;

namespace Trading.Core.Market.UseCases;

/// <summary>Its seller (or an official in scope, or admin) withdraws a listing: what remains is available again. Repeating answers the same.</summary>
public sealed record WithdrawListing(MarketId Market, long Number) : IMarketUseCase<Listing>
{
    public string Action => "listing.withdrawn";

    public MarketReads Reads(MarketSnapshot? loaded, UseCaseContext context) => ListingRules.Reads(Number, loaded);

    public Decision<Listing> Decide(MarketSnapshot snapshot, UseCaseContext context)
    {
        var row = ListingRules.Find(snapshot, Market, Number);
        var listing = row.Value;
        if (!ListingRules.MayManage(context.Caller, listing)) throw new ForbiddenException($"Only the seller of listing {listing.Id} withdraws it.");
        if (listing.Status == ListingStatus.Withdrawn) return Decision<Listing>.Unchanged(listing);
        if (listing.Status != ListingStatus.Open) throw StateConflict.Exception($"Listing {listing.Id}", StateConflict.Name(listing.Status), "withdrawn");
        return ListingRules.End(snapshot, row, ListingStatus.Withdrawn, context, l => l, Action);
    }
}

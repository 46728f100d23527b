using Trading.Core.Access;
using Trading.Core.Ledger;
using Trading.Core.Primitives;

namespace Trading.Core.Market.UseCases;

/// <summary>What the changes of a listing share: finding it, and ending it (what remains is available to its seller again).</summary>
public static class ListingRules
{
    public static MarketReads Reads(long number, MarketSnapshot? loaded)
    {
        var reads = new MarketReads { Listings = [number] };
        return loaded?.Listings.GetValueOrDefault(number) is { Exists: true } l ? reads with { Holders = [l.Value.Request.Seller] } : reads;
    }

    /// <summary>Listings are public: any caller finds one that exists (404 otherwise).</summary>
    public static Versioned<Listing> Find(MarketSnapshot snapshot, MarketId market, long number) =>
        snapshot.Listings.GetValueOrDefault(number) is { Exists: true } row ? row : throw new NotFoundException($"No listing {Listing.IdOf(market, number)}.");

    /// <summary>The seller itself, or for the reserve's listings (and any listing) an official in scope or admin.</summary>
    public static bool MayManage(Principal caller, Listing listing) =>
        caller.GovernsRegion(listing.Market.Region) || (caller.Role == Role.Enterprise && caller.Subject == listing.Request.Seller.Value);

    /// <summary>Ends an open listing with <paramref name="status"/>: what remains is unfrozen, the head counts one open listing fewer.</summary>
    public static Decision<T> End<T>(MarketSnapshot snapshot, Versioned<Listing> row, ListingStatus status, UseCaseContext context, Func<Listing, T> answer, string action)
    {
        var l = row.Value;
        var ended = l with { Status = status, EndedAt = context.Now, EndedBy = context.Caller.Id };
        var seller = snapshot.Holding(l.Request.Seller);
        var head = snapshot.Head.Value;
        return new Decision<T>(answer(ended), [RowChange.Of(row, ended), RowChange.Of(seller, seller.Value.Unfreeze(l.Remaining))],
            head with { OpenListings = head.OpenListings - 1 }, [new AuditEntry(action, l.Id)]);
    }
}

using Trading.Core.Ledger;
using Trading.Core.Primitives;

namespace Trading.Core.Market.UseCases;

/// <summary>
/// A buyer takes (摘牌) all or part of a listing: at least the minimum lot unless it takes all that remains, no more than
/// remains (409 with <c>remaining</c>), never its own (422). The trade is recorded at the listing's price and term, dated
/// now; the listing is filled when nothing remains. One transaction: listing, both holdings, trade, head, counters.
/// </summary>
public sealed record TakeListing(MarketId Market, long Number, Holder Buyer, Quantity Quantity) : IMarketUseCase<Trade>
{
    public string Action => "listing.taken";
    public string? Fingerprint => Hashing.Sha256Hex(string.Join('\n', "take", Listing.IdOf(Market, Number), Buyer.Value, Quantity.Grams));

    public MarketReads Reads(MarketSnapshot? loaded, UseCaseContext context)
    {
        var reads = ListingRules.Reads(Number, loaded);
        return loaded?.Listings.GetValueOrDefault(Number) is { Exists: true } l
            ? reads.Union(Settlement.Reads(l.Value.Request.Seller, Buyer, context.Now, context.Now))
            : reads;
    }

    public Decision<Trade> Decide(MarketSnapshot snapshot, UseCaseContext context)
    {
        if (context.Caller.Role != Access.Role.Enterprise || context.Caller.Subject != Buyer.Value)
            throw new ForbiddenException("An enterprise takes listings for itself only.");
        var row = ListingRules.Find(snapshot, Market, Number);
        var listing = row.Value;
        if (listing.Status == ListingStatus.Open && listing.IsPastExpiry(context.Now))
            return ListingRules.End<Trade>(snapshot, row, ListingStatus.Expired, context, _ => null!, "listing.expired") with
            {
                Refusal = StateConflict.Exception($"Listing {listing.Id}", "expired", "taken"),
            };
        if (listing.Status != ListingStatus.Open) throw StateConflict.Exception($"Listing {listing.Id}", StateConflict.Name(listing.Status), "taken");
        if (listing.Request.Seller == Buyer) throw new RuleViolationException("A seller does not take its own listing; withdraw it instead.");
        if (Quantity > listing.Remaining)
        {
            var ex = new ConflictException($"Listing {listing.Id} has {listing.Remaining.Tonnes} t/a left; {Quantity.Tonnes} t/a cannot be taken.", "Not enough remains.");
            ex.Extensions["remaining"] = listing.Remaining.Tonnes;
            throw ex;
        }
        if (Quantity < listing.Request.MinLot && Quantity != listing.Remaining)
            throw new RuleViolationException($"Take at least the minimum lot of {listing.Request.MinLot.Tonnes} t/a, or all that remains ({listing.Remaining.Tonnes} t/a).");

        var r = listing.Request;
        var trade = new TradeRequest(Market, r.Seller, Buyer, Quantity, r.UnitPrice, r.TermYears, TradeMethod.Listing, context.Now,
            Amounts.TradeAmount(Quantity, r.UnitPrice, r.TermYears), listing.Id);
        var settled = Settlement.Settle(trade, snapshot, snapshot.Head.Value, context.Now, context.Caller.Id, unfreezing: Quantity);
        var remaining = listing.Remaining.Subtract(Quantity);
        var filled = remaining.Grams == 0;
        var taken = listing with
        {
            Remaining = remaining,
            Status = filled ? ListingStatus.Filled : ListingStatus.Open,
            EndedAt = filled ? context.Now : null,
            EndedBy = filled ? context.Caller.Id : null,
        };
        var head = filled ? settled.Head with { OpenListings = settled.Head.OpenListings - 1 } : settled.Head;
        return new Decision<Trade>(settled.Trade, [RowChange.Of(row, taken), .. settled.Changes], head,
            [new AuditEntry(Action, listing.Id), new AuditEntry("trade.recorded", settled.Trade.Id.ToString())])
        {
            ResourceId = settled.Trade.Id.ToString(),
            Events = [.. settled.Events, .. Writes.EventTypes.To(Writes.EventTypes.ListingTaken, taken, Writes.EventRecipient.Of(r.Seller))],
        };
    }
}

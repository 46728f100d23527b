using Trading.Core;
using Trading.Core.Access;
using Trading.Core.Enterprises;
using Trading.Core.Ledger;
using Trading.Core.Market;
using Trading.Core.Market.UseCases;
using Trading.Core.Primitives;
using Trading.Functions.Hosting;
using Trading.Infra;

namespace Trading.Functions;

/// <summary>Listings (挂牌): sellers post, buyers take all or part, first come first served.</summary>
public static class ListingsApi
{
    public static IEnumerable<FunctionDeclaration> Functions =>
    [
        new HttpFunction("PostListing", "POST", "listings", PostAsync).Accepts<ListingInput>().Returns<ListingView>(201).Idempotent().Problems(409, 422),
        new HttpFunction("ListListings", "GET", "listings", ListAsync).Summary("List listings by status (default open), cheapest first")
            .Query("region", "pollutant", "status").Paged().Returns<Page<ListingView>>(),
        new HttpFunction("GetListing", "GET", "listings/{id}", GetAsync).Returns<ListingView>(),
        new HttpFunction("TakeListing", "POST", "listings/{id}/take", TakeAsync).Summary("Buy from a listing: the trade is recorded")
            .Accepts<TakeInput>().Returns<TradeView>(201).Idempotent().Problems(409, 422),
        new HttpFunction("WithdrawListing", "POST", "listings/{id}/withdraw", WithdrawAsync).AcceptsNothing().Returns<ListingView>().Problems(409),
    ];

    /// <summary>An enterprise lists its own rights; officials in scope and admin list the reserve's.</summary>
    private static async Task<IResult> PostAsync(HttpContext context)
    {
        var caller = await context.CallerAsync(Role.Admin, Role.Official, Role.Enterprise);
        var key = Writes.IdempotencyKey(context);
        var request = (await Json.ReadBodyAsync<ListingInput>(context)).Validate(context.Now());
        await context.Service<Parties>().RequireRegisteredAsync(context.RequestAborted, (request.Seller, "seller"));
        var (result, _) = await Writes.CreateAsync(context, caller, key, new PostListing(request), l => Views.Listing(l, caller), "listings");
        return result;
    }

    public sealed class TakeInput
    {
        public decimal? Quantity { get; set; }
    }

    /// <summary>An enterprise takes a listing as buyer: 201 with the trade.</summary>
    private static async Task<IResult> TakeAsync(HttpContext context)
    {
        var caller = await context.CallerAsync(Role.Enterprise);
        var key = Writes.IdempotencyKey(context);
        var input = await Json.ReadBodyAsync<TakeInput>(context);
        var errors = new FieldErrors();
        var quantity = Fields.Quantity(input.Quantity, "quantity", errors);
        errors.ThrowIfAny();
        var (market, number) = Writes.RouteId(context, "listing", Listing.TryParseId);
        var buyer = Holder.Of(CreditCode.Parse(caller.Subject));
        await context.Service<Parties>().RequireRegisteredAsync(context.RequestAborted, (buyer, "buyer"));
        var (result, _) = await Writes.CreateAsync(context, caller, key, new TakeListing(market, number, buyer, quantity), Views.Trade, "trades");
        return result;
    }

    private static async Task<IResult> WithdrawAsync(HttpContext context)
    {
        var caller = await context.CallerAsync(Role.Admin, Role.Official, Role.Enterprise);
        await Json.ReadOptionalBodyAsync<Json.NoFields>(context);
        var (market, number) = Writes.RouteId(context, "listing", Listing.TryParseId);
        var (result, _) = await Writes.ChangeAsync(context, caller, new WithdrawListing(market, number), l => Views.Listing(l, caller));
        return result;
    }

    private static async Task<IResult> GetAsync(HttpContext context)
    {
        var caller = await context.CallerAsync();
        var (market, number) = Writes.RouteId(context, "listing", Listing.TryParseId);
        var listing = await context.Service<TableLedger>().GetListingAsync(market, number, context.RequestAborted)
                      ?? throw new NotFoundException($"No listing {Listing.IdOf(market, number)}.");
        return Json.Result(Views.Listing(listing, caller));
    }

    /// <summary>
    /// Listings by <c>status</c> (<c>open</c>, the book, by default; <c>filled</c>, <c>withdrawn</c>, <c>expired</c>): cheapest
    /// first, then oldest; any key. Each status has its own list; each listing is read from its own row and shown only
    /// when it is in that status now.
    /// </summary>
    private static async Task<IResult> ListAsync(HttpContext context)
    {
        var caller = await context.CallerAsync();
        var errors = new FieldErrors();
        var region = Scope.AnyRegion(context.Query("region"), errors);
        var pollutant = Scope.Pollutant(context.Query("pollutant"), errors);
        var status = Scope.Status<ListingStatus>(context.Query("status"), errors) ?? ListingStatus.Open;
        var pageSize = Paging.PageSize(context.Query("pageSize"), errors);
        errors.ThrowIfAny();
        var ledger = context.Service<TableLedger>();
        var page = await context.Service<OfferIndex>().ListAsync(OfferIndex.ListingsIn(status), null, region, pageSize, context.Query("continuationToken"),
            async id => Listing.TryParseId(id, out var market, out var number)
                        && await ledger.GetListingAsync(market, number, context.RequestAborted) is { } l && l.Status == status
                        && (pollutant is null || l.Market.Pollutant == pollutant) ? l : null,
            context.RequestAborted, pollutant);
        return Json.Result(Views.Page(page, l => Views.Listing(l, caller)));
    }
}

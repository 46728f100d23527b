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

/// <summary>Reserve auctions (竞价): officials sell the reserve, enterprises bid, the CloseAuctions timer settles them.</summary>
public static class AuctionsApi
{
    public static IEnumerable<FunctionDeclaration> Functions =>
    [
        new HttpFunction("CreateAuction", "POST", "auctions", CreateAsync).Summary("Open a reserve auction")
            .Accepts<AuctionInput>().Returns<AuctionView>(201).Idempotent().Problems(409, 422),
        new HttpFunction("ListAuctions", "GET", "auctions", ListAsync).Query("region", "pollutant", "status").Paged().Returns<Page<AuctionView>>(),
        new HttpFunction("GetAuction", "GET", "auctions/{id}", GetAsync).Returns<AuctionView>(),
        new HttpFunction("PlaceBid", "POST", "auctions/{id}/bids", BidAsync).Accepts<BidInput>().Returns<BidView>(201).Idempotent().Problems(409, 422),
        new HttpFunction("GetMyBid", "GET", "auctions/{id}/bids/mine", MyBidAsync).Summary("The caller's own bid").Returns<BidView>(),
        new TimerFunction("CloseAuctions", "0 * * * * *", (services, ct) => services.GetRequiredService<AuctionCloser>().CloseDueAsync(ct)),
    ];

    private static async Task<IResult> CreateAsync(HttpContext context)
    {
        var caller = await context.CallerAsync(Role.Admin, Role.Official);
        var key = Writes.IdempotencyKey(context);
        var request = (await Json.ReadBodyAsync<AuctionInput>(context)).Validate(context.Now());
        var (result, _) = await Writes.CreateAsync(context, caller, key, new CreateAuction(request), a => Views.Auction(a, [], caller), "auctions");
        return result;
    }

    public sealed class BidInput
    {
        public decimal? Quantity { get; set; }
        public decimal? UnitPrice { get; set; }
    }

    private static async Task<IResult> BidAsync(HttpContext context)
    {
        var caller = await context.CallerAsync(Role.Enterprise);
        var key = Writes.IdempotencyKey(context);
        var input = await Json.ReadBodyAsync<BidInput>(context);
        var errors = new FieldErrors();
        var quantity = Fields.Quantity(input.Quantity, "quantity", errors);
        var price = Fields.Price(input.UnitPrice, "unitPrice", errors);
        errors.ThrowIfAny();
        var (market, number) = Writes.RouteId(context, "auction", Auction.TryParseId);
        var bidder = Holder.Of(CreditCode.Parse(caller.Subject));
        await context.Service<Parties>().RequireRegisteredAsync(context.RequestAborted, (bidder, "bidder"));
        var (result, _) = await Writes.CreateAsync(context, caller, key, new PlaceBid(market, number, bidder, quantity, price),
            b => Views.Bid(b, Auction.IdOf(market, number), showBidder: true), "auctions");
        return result;
    }

    private static async Task<IResult> MyBidAsync(HttpContext context)
    {
        var caller = await context.CallerAsync(Role.Enterprise);
        var (market, number) = Writes.RouteId(context, "auction", Auction.TryParseId);
        var bid = await context.Service<TableLedger>().GetBidAsync(market, number, Holder.Of(CreditCode.Parse(caller.Subject)), context.RequestAborted)
                  ?? throw new NotFoundException($"You have no bid in auction {Auction.IdOf(market, number)}.");
        return Json.Result(Views.Bid(bid, Auction.IdOf(market, number), showBidder: true));
    }

    private static async Task<IResult> GetAsync(HttpContext context)
    {
        var caller = await context.CallerAsync();
        var (market, number) = Writes.RouteId(context, "auction", Auction.TryParseId);
        var ledger = context.Service<TableLedger>();
        var auction = await ledger.GetAuctionAsync(market, number, context.RequestAborted) ?? throw new NotFoundException($"No auction {Auction.IdOf(market, number)}.");
        var results = auction.Settled > 0 ? await ledger.BidsAsync(market, number, context.RequestAborted) : [];
        return Json.Result(Views.Auction(auction, results, caller));
    }

    /// <summary>Newest first, any key; <c>status=open</c> or <c>closed</c> (closing ones count as open until every winner is settled).</summary>
    private static async Task<IResult> ListAsync(HttpContext context)
    {
        var caller = await context.CallerAsync();
        var errors = new FieldErrors();
        var region = Scope.AnyRegion(context.Query("region"), errors);
        var pollutant = Scope.Pollutant(context.Query("pollutant"), errors);
        bool? closed = context.Query("status") switch
        {
            null => null,
            "open" => false,
            "closed" => true,
            _ => Invalid(errors),
        };
        var pageSize = Paging.PageSize(context.Query("pageSize"), errors);
        errors.ThrowIfAny();
        var ledger = context.Service<TableLedger>();
        var page = await context.Service<OfferIndex>().ListAsync(OfferIndex.Auctions, null, region, pageSize, context.Query("continuationToken"),
            async id => Auction.TryParseId(id, out var market, out var number)
                        && await ledger.GetAuctionAsync(market, number, context.RequestAborted) is { } a
                        && (closed is null || (a.Status == AuctionStatus.Closed) == closed) ? a : null,
            context.RequestAborted, pollutant);
        return Json.Result(Views.Page(page, a => Views.Auction(a, [], caller)));
    }

    private static bool? Invalid(FieldErrors errors)
    {
        errors.Add("status", "must be open or closed");
        return null;
    }
}

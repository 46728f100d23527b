using Trading.Core;
using Trading.Core.Enterprises;
using Trading.Core.Ledger;
using Trading.Core.Market;
using Trading.Core.Primitives;
using Trading.Functions.Hosting;
using Trading.Infra;

namespace Trading.Functions;

/// <summary>
/// Public disclosure (成交公示): concluded trades and closed auctions, without a key, parties by name only; and the page
/// that shows them. Every route counts against the caller's address (<see cref="PublicRateLimiter"/>: 429 past the limit).
/// </summary>
public static class PublicApi
{
    /// <summary>The widest span of months one request may ask for.</summary>
    public const int MaxMonths = 24;

    private static readonly Lazy<string> s_page = new(() =>
    {
        using var stream = typeof(PublicApi).Assembly.GetManifestResourceStream("Trading.Functions.dashboard.public.html")
                           ?? throw new InvalidOperationException("public page not embedded");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    });

    public static IEnumerable<FunctionDeclaration> Functions =>
    [
        new HttpFunction("PublicTrades", "GET", "public/trades", TradesAsync).Anonymous().Summary("Concluded trades, published (成交公示), newest first")
            .Query("region", "pollutant", "method", "from", "to").Paged().Returns<Page<PublicTradeView>>().Problems(429),
        new HttpFunction("PublicAuctions", "GET", "public/auctions", AuctionsAsync).Anonymous().Summary("Closed reserve auctions with their results, published")
            .Query("region", "pollutant", "status").Paged().Returns<Page<PublicAuctionView>>().Problems(429),
        new HttpFunction("PublicPage", "GET", "public", PageAsync).Anonymous().Summary("The public disclosure page (成交公示)")
            .Returns(200, "text/html").Problems(429),
    ];

    /// <summary>
    /// Trades of every region (or under <c>region</c>) in the months <c>from</c>..<c>to</c>, at most <see cref="MaxMonths"/>
    /// of them (400 beyond): without either, the last 24 months to this one (China time); with one, 24 months from or to it.
    /// </summary>
    private static async Task<IResult> TradesAsync(HttpContext context)
    {
        context.Service<PublicRateLimiter>().Admit(context);
        var errors = new FieldErrors();
        var region = Scope.AnyRegion(context.Query("region"), errors);
        var pollutant = Scope.Pollutant(context.Query("pollutant"), errors);
        TradeMethod? method = null;
        if (context.Query("method") is { } methodText)
        {
            if (Ratings.TryParseName<TradeMethod>(methodText, out var parsed)) method = parsed;
            else errors.Add("method", $"must be one of {Ratings.Names<TradeMethod>()}");
        }
        var from = Scope.Month(context.Query("from"), "from", errors);
        var to = Scope.Month(context.Query("to"), "to", errors);
        var pageSize = Paging.PageSize(context.Query("pageSize"), errors);
        errors.ThrowIfAny();
        var (first, last) = Months(from, to, ReportingMonth.Of(context.Now()), errors);
        errors.ThrowIfAny();

        var page = await context.Service<ILedger>().ListTradesAsync(new TradeQuery(region, pollutant, first, last, null, method), pageSize,
            context.Query("continuationToken"), context.RequestAborted);
        var names = await context.Service<IEnterpriseStore>().NamesAsync(
            page.Items.SelectMany(t => new[] { t.Request.Seller, t.Request.Buyer }).Where(h => !h.IsReserve).Select(h => h.Enterprise!.Value).ToList(),
            context.RequestAborted);
        return Json.Result(Views.Page(page, t => Trade(t, names)));
    }

    /// <summary>The months asked for, filled in and held to <see cref="MaxMonths"/>.</summary>
    public static (ReportingMonth From, ReportingMonth To) Months(ReportingMonth? from, ReportingMonth? to, ReportingMonth current, FieldErrors errors)
    {
        var last = to ?? (from is { } f ? (f.TryAddMonths(MaxMonths - 1, out var end) ? end : ReportingMonth.MaxValue) : current);
        var first = from ?? (last.TryAddMonths(-(MaxMonths - 1), out var start) ? start : ReportingMonth.MinValue);
        if (first > last) errors.Add("from", "must not be after to");
        else if ((last.Year - first.Year) * 12 + last.Month - first.Month + 1 > MaxMonths)
            errors.Add("to", $"at most {MaxMonths} months per request (from {first} to {last} is more); ask for the rest in another request");
        return (first, last);
    }

    private static PublicTradeView Trade(Trade t, IReadOnlyDictionary<CreditCode, string> names)
    {
        var r = t.Request;
        // outsideBand: recorded outside the reference-price band (decision 0011): published, and counted in volumes, never in prices.
        return new PublicTradeView(t.Id.ToString(), r.Market.Region.Value, r.Market.Pollutant.ToString(), r.Method.ToString(), r.Quantity.Tonnes,
            r.UnitPrice.Yuan, r.TermYears, r.Amount.Yuan, Timestamps.Format(r.TradedAt), Party(r.Seller, names), (PublicPartyView)Party(r.Buyer, names),
            OutsideBand: t.OutsideBand);
    }

    /// <summary>The reserve as the string <c>"reserve"</c>; a firm by its registered name (never its code, even when it has none).</summary>
    private static object Party(Holder holder, IReadOnlyDictionary<CreditCode, string> names) =>
        holder.IsReserve ? Holder.ReserveName : new PublicPartyView(names.TryGetValue(holder.Enterprise!.Value, out var name) ? name : "(未登记 unregistered)");

    /// <summary>Closed auctions, newest first, each with its winners; <c>status</c> may only be <c>closed</c> (nothing else is published).</summary>
    private static async Task<IResult> AuctionsAsync(HttpContext context)
    {
        context.Service<PublicRateLimiter>().Admit(context);
        var errors = new FieldErrors();
        var region = Scope.AnyRegion(context.Query("region"), errors);
        var pollutant = Scope.Pollutant(context.Query("pollutant"), errors);
        if (context.Query("status") is { } status && status != "closed") errors.Add("status", "must be closed (only closed auctions are published)");
        var pageSize = Paging.PageSize(context.Query("pageSize"), errors);
        errors.ThrowIfAny();
        var ledger = context.Service<TableLedger>();
        var page = await context.Service<OfferIndex>().ListAsync(OfferIndex.Auctions, null, region, pageSize, context.Query("continuationToken"),
            async id => Auction.TryParseId(id, out var market, out var number)
                        && await ledger.GetAuctionAsync(market, number, context.RequestAborted) is { Status: AuctionStatus.Closed } a ? a : null,
            context.RequestAborted, pollutant);
        var bids = await Bounded.SelectAsync(page.Items, a => ledger.BidsAsync(a.Market, a.Number, context.RequestAborted), Bounded.DefaultConcurrency,
            context.RequestAborted);
        var winners = bids.Select(b => b.Where(x => x.Filled is { } q && q.Grams > 0).ToList()).ToList();
        var names = await context.Service<IEnterpriseStore>().NamesAsync(
            winners.SelectMany(w => w).Where(b => !b.Bidder.IsReserve).Select(b => b.Bidder.Enterprise!.Value).ToList(), context.RequestAborted);
        var items = page.Items.Select((a, i) => new PublicAuctionView(a.Id, a.Market.Region.Value, a.Market.Pollutant.ToString(), a.Request.Quantity.Tonnes,
            a.Request.TermYears, a.Request.StartPrice.Yuan, Timestamps.Format(a.Request.ClosesAt), a.ClosedAt is { } c ? Timestamps.Format(c) : null,
            a.Sold.Tonnes,
            winners[i].OrderByDescending(b => b.UnitPrice.Fen).ThenBy(b => b.PlacedAt)
                .Select(b => new PublicWinnerView((PublicPartyView)Party(b.Bidder, names), b.Filled!.Value.Tonnes, b.UnitPrice.Yuan)).ToList())).ToList();
        return Json.Result(new Page<PublicAuctionView>(items, page.ContinuationToken));
    }

    /// <summary>The disclosure page: no key, everything it uses inline (no CDN); it calls the two lists above.</summary>
    private static Task<IResult> PageAsync(HttpContext context)
    {
        context.Service<PublicRateLimiter>().Admit(context);
        context.Response.Headers["Content-Security-Policy"] = "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src 'self' data:";
        context.Response.Headers["Cache-Control"] = "no-cache";
        return Task.FromResult(Results.Text(s_page.Value, "text/html; charset=utf-8"));
    }
}

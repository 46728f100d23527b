using Trading.Core;
using Trading.Core.Access;
using Trading.Core.Market;
using Trading.Core.Primitives;
using Trading.Functions.Hosting;
using Trading.Infra;

namespace Trading.Functions;

public static class MarketsApi
{
    public static IEnumerable<FunctionDeclaration> Functions =>
    [
        new HttpFunction("ListMarkets", "GET", "markets", ListAsync).Summary("Markets with their reference and last prices")
            .Query("region", "pollutant").Returns<IReadOnlyList<MarketView>>(),
        new HttpFunction("MarketPrices", "GET", "markets/{market}/prices", PricesAsync).Summary("A market's monthly prices")
            .Query("from", "to").Returns<IReadOnlyList<MonthPricesView>>(),
        new HttpFunction("VerifyMarket", "GET", "markets/{market}/verify", VerifyAsync).Summary("Recompute a market's hash chain")
            .Returns<ChainCheckView>(),
        new TimerFunction("CopyAudit", "0 * * * * *", async (services, ct) =>
        {
            var budget = services.GetRequiredService<TimerBudgets>().Start();
            var copied = await services.GetRequiredService<AuditTrail>().CopyAsync(ct, budget);
            return [copied == 0 ? "No new audit record." : $"Copied {copied} audit record(s) to the trail.", .. budget.Stopped ? [budget.StoppedLine("CopyAudit")] : Array.Empty<string>()];
        }),
        new TimerFunction("CopyEvents", "0 * * * * *", async (services, ct) =>
        {
            var budget = services.GetRequiredService<TimerBudgets>().Start();
            var sent = await services.GetRequiredService<EventOutbox>().CopyAsync(ct, budget);
            return [sent == 0 ? "No new event." : $"Sent {sent} event(s) to the queue and the inboxes.", .. budget.Stopped ? [budget.StoppedLine("CopyEvents")] : Array.Empty<string>()];
        }),
    ];

    /// <summary>
    /// Every market under a region prefix (any key): its 90-day reference price, its latest trade's price and date, and how
    /// many listings and auctions are open, all from each market's head and day counters (bounded fan-out over markets).
    /// </summary>
    private static async Task<IResult> ListAsync(HttpContext context)
    {
        await context.CallerAsync();
        var errors = new FieldErrors();
        var region = Scope.AnyRegion(context.Query("region"), errors);
        var pollutant = Scope.Pollutant(context.Query("pollutant"), errors);
        errors.ThrowIfAny();
        var ledger = context.Service<TableLedger>();
        var now = context.Now();
        var (from, to) = ReferencePrice.Window(now);
        var markets = (await ledger.MarketsAsync(region, context.RequestAborted)).Where(m => pollutant is null || m.Pollutant == pollutant)
            .OrderBy(m => m.Key, StringComparer.Ordinal).ToList();
        var rows = await Bounded.SelectAsync(markets, async m =>
        {
            var head = ledger.HeadAsync(m, context.RequestAborted);
            var days = ledger.DaysAsync(m, from, to, context.RequestAborted);
            return (Market: m, Head: await head, Reference: ReferencePrice.From(await days, now));
        }, Bounded.DefaultConcurrency, context.RequestAborted);
        return Json.Result(rows.Select(r => new MarketView(
            r.Market.Region.Value,
            r.Market.Pollutant.ToString(),
            r.Reference?.Yuan,
            r.Head.LastTradedAt is null ? null : Money.FromFen(r.Head.LastPriceFen).Yuan,
            r.Head.LastTradedAt is { } at ? Timestamps.Format(at) : null,
            r.Head.OpenListings,
            r.Head.OpenAuctions)).ToList());
    }

    /// <summary>
    /// A market's monthly price figures (any key), from its month counters: trades, quantity and amount of every trade;
    /// vwap, low and high of its in-band trades only (null when the month has none).
    /// </summary>
    private static async Task<IResult> PricesAsync(HttpContext context)
    {
        await context.CallerAsync();
        var market = ParseMarket(context);
        var errors = new FieldErrors();
        var now = ReportingMonth.Of(context.Now());
        var from = Scope.Month(context.Query("from"), "from", errors) ?? (now.TryAddMonths(-11, out var yearAgo) ? yearAgo : ReportingMonth.MinValue);
        var to = Scope.Month(context.Query("to"), "to", errors) ?? now;
        if (from > to) errors.Add("from", "must not be after to");
        else if ((to.Year - from.Year) * 12 + to.Month - from.Month >= 120) errors.Add("from", "a range covers at most 120 months");
        errors.ThrowIfAny();
        var months = await context.Service<TableLedger>().MonthsAsync(market, from, to, context.RequestAborted);
        return Json.Result(months.Where(m => m.Trades > 0).OrderBy(m => m.Month).Select(m => new MonthPricesView(
            m.Month.ToString(),
            m.Trades,
            Quantity.FromGrams(m.Grams).Tonnes,
            Money.FromFen(m.Fen).Yuan,
            m.Vwap?.Yuan,
            m.Low?.Yuan,
            m.High?.Yuan)).ToList());
    }

    private static MarketId ParseMarket(HttpContext context)
    {
        var text = context.Request.RouteValues["market"] as string;
        return MarketId.TryParse(text, out var market) && market.Value.Key == text ? market.Value : throw new NotFoundException($"No market {text}.");
    }

    /// <summary>Recomputes the market's hash chain from its trades (officials in scope, admin).</summary>
    private static async Task<IResult> VerifyAsync(HttpContext context)
    {
        var caller = await context.CallerAsync(Role.Admin, Role.Official);
        var market = ParseMarket(context);
        if (!caller.GovernsRegion(market.Region)) throw new NotFoundException($"No market {market} in your scope.");
        var check = await context.Service<TableLedger>().VerifyChainAsync(market, context.RequestAborted);
        return Json.Result(new ChainCheckView(market.Key, check.Trades, check.Valid, check.HeadHash, check.FirstInvalidSequence));
    }
}

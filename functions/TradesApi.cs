using Trading.Core;
using Trading.Core.Access;
using Trading.Core.Enterprises;
using Trading.Core.Ledger;
using Trading.Core.Primitives;
using Trading.Core.Ledger.UseCases;
using Trading.Functions.Hosting;
using Trading.Infra;

namespace Trading.Functions;

public static class TradesApi
{
    public static IEnumerable<FunctionDeclaration> Functions =>
    [
        new HttpFunction("SubmitTrade", "POST", "trades", SubmitAsync).Summary("Record a trade concluded elsewhere")
            .Accepts<TradeInput>().Returns<TradeView>(201).Idempotent().Problems(409, 422),
        new HttpFunction("GetTrade", "GET", "trades/{id}", GetAsync).Returns<TradeView>(),
        new HttpFunction("ListTrades", "GET", "trades", ListAsync).Summary("List trades, newest first")
            .Query("region", "pollutant", "from", "to", "party", "method").Paged().Returns<Page<TradeView>>(),
    ];

    /// <summary>Officials in scope and admin record trades concluded elsewhere; enterprises propose (403 here).</summary>
    private static async Task<IResult> SubmitAsync(HttpContext context)
    {
        var caller = await context.CallerAsync();
        if (caller.Role is not (Role.Admin or Role.Official)) LedgerAccess.RequireMayRecordTrade(caller, default);
        var key = Writes.IdempotencyKey(context);
        var request = (await Json.ReadBodyAsync<TradeInput>(context)).Validate(context.Now());
        await context.Service<Parties>().RequireRegisteredAsync(context.RequestAborted, (request.Seller, "seller"), (request.Buyer, "buyer"));
        var (result, _) = await Writes.CreateAsync(context, caller, key, new RecordTrade(request), Views.Trade, "trades");
        return result;
    }

    private static async Task<IResult> GetAsync(HttpContext context)
    {
        var caller = await context.CallerAsync(Role.Admin, Role.Official, Role.Enterprise);
        var text = context.Request.RouteValues["id"] as string;
        var notFound = new NotFoundException($"No trade {text} in your scope.");
        if (!TradeId.TryParse(text, out var id)) throw notFound;
        if (caller.Role == Role.Official && !caller.GovernsRegion(id.Value.Market.Region)) throw notFound;
        var trade = await context.Service<ILedger>().GetTradeAsync(id.Value, context.RequestAborted) ?? throw notFound;
        if (caller.Role == Role.Enterprise && trade.Request.Seller.Value != caller.Subject && trade.Request.Buyer.Value != caller.Subject)
            throw notFound;
        return Json.Result(Views.Trade(trade));
    }

    private static async Task<IResult> ListAsync(HttpContext context)
    {
        var caller = await context.CallerAsync(Role.Admin, Role.Official, Role.Enterprise);
        var errors = new FieldErrors();
        var region = caller.Role == Role.Enterprise && context.Query("region") is null ? RegionPrefix.All : Scope.RegionFilter(caller, context.Query("region"), errors);
        Pollutant? pollutant = null;
        if (context.Query("pollutant") is { } p)
        {
            if (Pollutants.TryParse(p, out var parsed)) pollutant = parsed;
            else errors.Add("pollutant", $"must be one of {Pollutants.Names}");
        }
        var from = Month(context.Query("from"), "from", errors);
        var to = Month(context.Query("to"), "to", errors);
        if (from is { } f && to is { } t && f > t) errors.Add("from", "must not be after to");
        CreditCode? party = null;
        if (context.Query("party") is { } partyText)
        {
            if (CreditCode.TryParse(partyText, out var code, out var error)) party = code;
            else errors.Add("party", error);
        }
        TradeMethod? method = null;
        if (context.Query("method") is { } methodText)
        {
            // Spelled as trades show it (and as POST /api/trades takes it): exact names, not numbers or comma lists.
            if (Ratings.TryParseName<TradeMethod>(methodText, out var parsedMethod)) method = parsedMethod;
            else errors.Add("method", $"must be one of {Ratings.Names<TradeMethod>()}");
        }
        var pageSize = Paging.PageSize(context.Query("pageSize"), errors);
        errors.ThrowIfAny();
        if (caller.Role == Role.Enterprise)
        {
            if (party is { } other && !caller.IsEnterprise(other)) throw new ForbiddenException("An enterprise sees only its own trades.");
            party = CreditCode.Parse(caller.Subject);
        }
        else Scope.RequireGoverns(caller, region);
        var page = await context.Service<ILedger>().ListTradesAsync(new TradeQuery(region, pollutant, from, to, party, method), pageSize,
            context.Query("continuationToken"), context.RequestAborted);
        return Json.Result(Views.Page(page, Views.Trade));
    }

    private static ReportingMonth? Month(string? text, string field, FieldErrors errors)
    {
        if (text is null) return null;
        if (ReportingMonth.TryParse(text, out var month, out var error)) return month;
        errors.Add(field, error);
        return null;
    }
}

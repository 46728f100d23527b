using Trading.Core;
using Trading.Core.Access;
using Trading.Core.Enterprises;
using Trading.Core.Finance;
using Trading.Core.Ledger;
using Trading.Core.Ledger.UseCases;
using Trading.Core.Primitives;
using Trading.Functions.Hosting;
using Trading.Infra;

namespace Trading.Functions;

/// <summary>
/// Pledges (质押): a bank asks and the holder accepts, or the holder offers and the bank accepts; the bureau registers
/// directly. Every change refreshes the firm's loan matches, since eligibility values only what is still available.
/// </summary>
public static class PledgesApi
{
    public static IEnumerable<FunctionDeclaration> Functions =>
    [
        new HttpFunction("Pledge", "POST", "pledges", PledgeAsync).Summary("Request or register a pledge of rights to a bank")
            .Accepts<PledgeInput>().Returns<PledgeView>(201).Idempotent().Problems(409, 422),
        new HttpFunction("GetPledge", "GET", "pledges/{id}", GetAsync).Returns<PledgeView>(),
        new HttpFunction("ListPledges", "GET", "pledges", ListAsync).Query("holder", "bankId", "status", "region").Paged().Returns<Page<PledgeView>>(),
        new HttpFunction("AcceptPledge", "POST", "pledges/{id}/accept", context => ChangeAsync(context, id => new AcceptPledge(id.Market, id.Number)))
            .AcceptsNothing().Returns<PledgeView>().Problems(409),
        new HttpFunction("RejectPledge", "POST", "pledges/{id}/reject", context => ChangeAsync(context, id => new EndPledge(id.Market, id.Number, PledgeStatus.Rejected)))
            .AcceptsNothing().Returns<PledgeView>().Problems(409),
        new HttpFunction("CancelPledge", "POST", "pledges/{id}/cancel", context => ChangeAsync(context, id => new EndPledge(id.Market, id.Number, PledgeStatus.Cancelled)))
            .AcceptsNothing().Returns<PledgeView>().Problems(409),
        new HttpFunction("ReleasePledge", "POST", "pledges/{id}/release", context => ChangeAsync(context, id => new EndPledge(id.Market, id.Number, PledgeStatus.Released)))
            .AcceptsNothing().Returns<PledgeView>().Problems(409),
    ];

    private static async Task<IResult> PledgeAsync(HttpContext context)
    {
        var caller = await context.CallerAsync();
        var key = Writes.IdempotencyKey(context);
        var request = (await Json.ReadBodyAsync<PledgeInput>(context)).Validate(context.Now());
        var requestedBy = LedgerAccess.PledgeCreator(caller, request);
        await context.Service<Parties>().RequireRegisteredAsync(context.RequestAborted, (request.Holder, "holder"));
        var (result, outcome) = await Writes.CreateAsync(context, caller, key, new CreatePledge(request, requestedBy), Views.Pledge, "pledges");
        if (!outcome.Replayed && requestedBy == PledgeParty.Bureau) await Refresh.FirmAsync(context, request.Holder.Enterprise!.Value);
        return result;
    }

    private static async Task<IResult> ChangeAsync(HttpContext context, Func<(MarketId Market, long Number), IMarketUseCase<Pledge>> useCase)
    {
        var caller = await context.CallerAsync();
        await Json.ReadOptionalBodyAsync<Json.NoFields>(context);
        var id = Writes.RouteId(context, "pledge", Pledge.TryParseId);
        var (result, pledge) = await Writes.ChangeAsync(context, caller, useCase(id), Views.Pledge);
        await Refresh.FirmAsync(context, pledge.Request.Holder.Enterprise!.Value);
        return result;
    }

    private static async Task<IResult> GetAsync(HttpContext context)
    {
        var caller = await context.CallerAsync();
        var (market, number) = Writes.RouteId(context, "pledge", Pledge.TryParseId);
        var pledge = await context.Service<TableLedger>().GetPledgeAsync(market, number, context.RequestAborted);
        if (pledge is null || !LedgerAccess.MaySee(caller, pledge)) throw new NotFoundException($"No pledge {Pledge.IdOf(market, number)} in your scope.");
        return Json.Result(Views.Pledge(pledge));
    }

    /// <summary>Newest first: a bank's own, a holder's own, an official's in scope, or all for admin; filtered by holder, bank, status.</summary>
    private static async Task<IResult> ListAsync(HttpContext context)
    {
        var caller = await context.CallerAsync();
        var errors = new FieldErrors();
        CreditCode? holder = null;
        if (context.Query("holder") is { } h)
        {
            if (CreditCode.TryParse(h, out var code, out var error)) holder = code;
            else errors.Add("holder", error);
        }
        BankId? bank = null;
        if (context.Query("bankId") is { } b)
        {
            if (BankId.TryParse(b, out var id, out var error)) bank = id;
            else errors.Add("bankId", error);
        }
        var status = Scope.Status<PledgeStatus>(context.Query("status"), errors);
        var region = caller.Role is Role.Official or Role.Admin ? Scope.RegionFilter(caller, context.Query("region"), errors) : RegionPrefix.All;
        var pageSize = Paging.PageSize(context.Query("pageSize"), errors);
        errors.ThrowIfAny();
        var party = Scope.BankOrHolderList(caller, bank, holder, "pledges");
        var page = await context.Service<OfferIndex>().ListAsync(OfferIndex.Pledges, party, region, pageSize, context.Query("continuationToken"),
            async id =>
            {
                if (!Pledge.TryParseId(id, out var market, out var number)) return null;
                var p = await context.Service<TableLedger>().GetPledgeAsync(market, number, context.RequestAborted);
                return p is not null && LedgerAccess.MaySee(caller, p) && (status is null || p.Status == status)
                       && (holder is null || p.Request.Holder.Value == holder.Value.Value) && (bank is null || p.Request.Bank == bank)
                       && p.Market.Region.Value.StartsWith(region.Value, StringComparison.Ordinal) ? p : null;
            }, context.RequestAborted);
        return Json.Result(Views.Page(page, Views.Pledge));
    }
}

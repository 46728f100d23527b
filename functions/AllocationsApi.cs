using Trading.Core;
using Trading.Core.Access;
using Trading.Core.Ledger;
using Trading.Core.Ledger.UseCases;
using Trading.Functions.Hosting;
using Trading.Infra;

namespace Trading.Functions;

public static class AllocationsApi
{
    public static IEnumerable<FunctionDeclaration> Functions =>
    [
        new HttpFunction("Allocate", "POST", "allocations", AllocateAsync).Accepts<AllocationInput>().Returns<AllocationView>(201).Idempotent().Problems(409, 422),
        new HttpFunction("GetAllocation", "GET", "allocations/{id}", GetAsync).Returns<AllocationView>(),
        new HttpFunction("RevokeAllocation", "POST", "allocations/{id}/revoke", RevokeAsync).Accepts<RevokeInput>().Returns<AllocationView>().Problems(409, 422),
        new HttpFunction("GetHoldings", "GET", "enterprises/{creditCode}/holdings", HoldingsAsync).Summary("A holder's holdings per market").Returns<IReadOnlyList<HoldingView>>(),
    ];

    private static async Task<IResult> AllocateAsync(HttpContext context)
    {
        var caller = await context.CallerAsync(Role.Admin, Role.Official);
        var key = Writes.IdempotencyKey(context);
        var request = (await Json.ReadBodyAsync<AllocationInput>(context)).Validate();
        await context.Service<Parties>().RequireRegisteredAsync(context.RequestAborted, (request.Holder, "holder"));
        var (result, _) = await Writes.CreateAsync(context, caller, key, new Allocate(request), Views.Allocation, "allocations");
        return result;
    }

    public sealed class RevokeInput
    {
        public string? Reason { get; set; }
    }

    /// <summary>收回: what is left of the allocation goes back to the market's reserve. Idempotent by state.</summary>
    private static async Task<IResult> RevokeAsync(HttpContext context)
    {
        var caller = await context.CallerAsync(Role.Admin, Role.Official);
        var input = await Json.ReadBodyAsync<RevokeInput>(context);
        var reason = input.Reason?.Trim();
        if (string.IsNullOrEmpty(reason) || reason.Length > 500)
            throw ValidationException.For("reason", "is required (why the rights are taken back), at most 500 characters");
        var (market, number) = Writes.RouteId(context, "allocation", Allocation.TryParseId);
        var (result, _) = await Writes.ChangeAsync(context, caller, new RevokeAllocation(market, number, reason), Views.Allocation);
        return result;
    }

    private static async Task<IResult> GetAsync(HttpContext context)
    {
        var caller = await context.CallerAsync(Role.Admin, Role.Official, Role.Enterprise);
        var (market, number) = Writes.RouteId(context, "allocation", Allocation.TryParseId);
        var allocation = await context.Service<TableLedger>().GetAllocationAsync(market, number, context.RequestAborted);
        if (allocation is null || !(caller.GovernsRegion(market.Region) || (caller.Role == Role.Enterprise && allocation.Request.Holder.Value == caller.Subject)))
            throw new NotFoundException($"No allocation {Allocation.IdOf(market, number)} in your scope.");
        return Json.Result(Views.Allocation(allocation));
    }

    private static async Task<IResult> HoldingsAsync(HttpContext context)
    {
        var caller = await context.CallerAsync(Role.Admin, Role.Official, Role.Enterprise);
        var enterprise = await EnterprisesApi.FindVisibleAsync(context, caller, context.Request.RouteValues["creditCode"] as string);
        var holdings = await context.Service<ILedger>().HoldingsOfAsync(Holder.Of(enterprise.CreditCode), context.RequestAborted);
        // An official sees the firm's holdings in the markets it governs only.
        return Json.Result(holdings.Where(h => caller.Role != Role.Official || caller.GovernsRegion(h.Market.Region)).Select(Views.Holding).ToList());
    }
}

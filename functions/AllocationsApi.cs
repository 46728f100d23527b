using Trading.Core;
using Trading.Core.Access;
using Trading.Core.Ledger;
using Trading.Functions.Hosting;

namespace Trading.Functions;

public static class AllocationsApi
{
    public static IEnumerable<FunctionDeclaration> Functions =>
    [
        new HttpFunction("Allocate", "POST", "allocations", AllocateAsync),
        new HttpFunction("GetHoldings", "GET", "enterprises/{creditCode}/holdings", HoldingsAsync),
    ];

    private static async Task<IResult> AllocateAsync(HttpContext context)
    {
        var caller = await context.CallerAsync(Role.Admin, Role.Official);
        var request = (await Json.ReadBodyAsync<AllocationInput>(context)).Validate();
        if (!caller.GovernsRegion(request.Market.Region))
            throw new ForbiddenException($"Region {request.Market.Region} is outside your scope ({caller.Subject}).");
        var allocation = await context.Service<ILedger>().AllocateAsync(caller, request, context.RequestAborted);
        await Audit.RecordAsync(context, caller, "allocation.recorded", allocation.Id, Views.Allocation(allocation));
        return Json.Result(Views.Allocation(allocation), 201);
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

using Trading.Core;
using Trading.Core.Access;
using Trading.Core.Finance;
using Trading.Core.Primitives;
using Trading.Functions.Hosting;
using Trading.Infra;

namespace Trading.Functions;

public static class PledgesApi
{
    public static IEnumerable<FunctionDeclaration> Functions =>
    [
        new HttpFunction("Pledge", "POST", "pledges", PledgeAsync),
        new HttpFunction("GetPledge", "GET", "pledges/{id}", GetAsync),
        new HttpFunction("ReleasePledge", "POST", "pledges/{id}/release", ReleaseAsync),
    ];

    private static async Task<IResult> PledgeAsync(HttpContext context)
    {
        var caller = await context.CallerAsync(Role.Admin, Role.Bank);
        var request = (await Json.ReadBodyAsync<PledgeInput>(context)).Validate();
        if (caller.Role == Role.Bank && caller.Subject != request.Bank.Value) throw new ForbiddenException("A bank takes pledges for itself only.");
        var pledge = await context.Service<TableLedger>().PledgeAsync(caller, request, context.RequestAborted);
        await Audit.RecordAsync(context, caller, "pledge.recorded", pledge.Id, View(pledge));
        await Refresh.FirmAsync(context, request.Holder.Enterprise!.Value);
        return Json.Result(View(pledge), 201, headers: new Dictionary<string, string> { ["Location"] = $"/api/pledges/{pledge.Id}" });
    }

    private static async Task<IResult> GetAsync(HttpContext context)
    {
        var caller = await context.CallerAsync(Role.Admin, Role.Bank, Role.Official, Role.Enterprise);
        var text = context.Request.RouteValues["id"] as string;
        var notFound = new NotFoundException($"No pledge {text} in your scope.");
        if (!Pledging.TryParseId(text, out var market, out var number)) throw notFound;
        var pledge = await context.Service<TableLedger>().GetPledgeAsync(market, number, context.RequestAborted) ?? throw notFound;
        if (!Visible(caller, pledge)) throw notFound;
        return Json.Result(View(pledge));
    }

    private static bool Visible(Principal caller, Pledge p) => caller.Role switch
    {
        Role.Admin => true,
        Role.Bank => caller.Subject == p.Request.Bank.Value,
        Role.Official => caller.GovernsRegion(p.Request.Market.Region),
        Role.Enterprise => caller.Subject == p.Request.Holder.Value,
        _ => false,
    };

    private static async Task<IResult> ReleaseAsync(HttpContext context)
    {
        var caller = await context.CallerAsync(Role.Admin, Role.Bank);
        var text = context.Request.RouteValues["id"] as string;
        if (!Pledging.TryParseId(text, out var market, out var number)) throw new NotFoundException($"No pledge {text} of yours.");
        var released = await context.Service<TableLedger>().ReleaseAsync(caller, market, number,
            p => caller.Role == Role.Admin || caller.Subject == p.Request.Bank.Value, context.RequestAborted);
        await Audit.RecordAsync(context, caller, "pledge.released", released.Id, View(released));
        await Refresh.FirmAsync(context, released.Request.Holder.Enterprise!.Value);
        return Json.Result(View(released));
    }

    private static object View(Pledge p) => new
    {
        id = p.Id,
        bankId = p.Request.Bank.Value,
        holder = p.Request.Holder.Value,
        region = p.Request.Market.Region.Value,
        pollutant = p.Request.Market.Pollutant.ToString(),
        quantity = p.Request.Quantity.Tonnes,
        loanAmount = p.Request.LoanAmount.Yuan,
        reference = p.Request.Reference,
        status = p.Status.ToString(),
        pledgedAt = Timestamps.Format(p.PledgedAt),
        pledgedBy = p.PledgedBy,
        releasedAt = p.ReleasedAt is { } r ? Timestamps.Format(r) : null,
        releasedBy = p.ReleasedBy,
    };
}

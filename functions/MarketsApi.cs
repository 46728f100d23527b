using Trading.Core;
using Trading.Core.Access;
using Trading.Core.Primitives;
using Trading.Functions.Hosting;
using Trading.Infra;

namespace Trading.Functions;

public static class MarketsApi
{
    public static IEnumerable<FunctionDeclaration> Functions =>
    [
        new HttpFunction("VerifyMarket", "GET", "markets/{market}/verify", VerifyAsync),
        new TimerFunction("CopyAudit", "0 * * * * *", async (services, ct) =>
        {
            var copied = await services.GetRequiredService<AuditTrail>().CopyAsync(ct);
            return [copied == 0 ? "No new audit record." : $"Copied {copied} audit record(s) to the trail."];
        }),
    ];

    /// <summary>Recomputes the market's hash chain from its trades (officials in scope, admin).</summary>
    private static async Task<IResult> VerifyAsync(HttpContext context)
    {
        var caller = await context.CallerAsync(Role.Admin, Role.Official);
        var text = context.Request.RouteValues["market"] as string;
        if (!MarketId.TryParse(text, out var market) || market.Value.Key != text) throw new NotFoundException($"No market {text}.");
        if (!caller.GovernsRegion(market.Value.Region)) throw new NotFoundException($"No market {text} in your scope.");
        var check = await context.Service<TableLedger>().VerifyChainAsync(market.Value, context.RequestAborted);
        return Json.Result(new { market = market.Value.Key, trades = check.Trades, valid = check.Valid, headHash = check.HeadHash,
            firstInvalidSequence = check.FirstInvalidSequence });
    }
}

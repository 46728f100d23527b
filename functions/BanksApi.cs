using Trading.Core;
using Trading.Core.Access;
using Trading.Core.Enterprises;
using Trading.Core.Finance;
using Trading.Core.Primitives;
using Trading.Functions.Hosting;
using Trading.Infra;

namespace Trading.Functions;

public static class BanksApi
{
    public static IEnumerable<FunctionDeclaration> Functions =>
    [
        new HttpFunction("PutProduct", "PUT", "banks/{bankId}/products/{productId}", PutAsync).Accepts<LoanProductInput>().Returns<ProductView>(200, 201).Problems(422),
        new HttpFunction("GetProduct", "GET", "banks/{bankId}/products/{productId}", GetAsync).Returns<ProductView>(),
        new HttpFunction("ListProducts", "GET", "banks/{bankId}/products", ListAsync).Returns<Page<ProductView>>(),
        new HttpFunction("EligibleFirms", "GET", "banks/{bankId}/products/{productId}/eligible", EligibleAsync).Paged().Returns<EligibleFirmsView>(),
        new HttpFunction("ExplainEligibility", "GET", "banks/{bankId}/products/{productId}/eligibility/{creditCode}", ExplainAsync).Returns<EligibilityView>(),
        new HttpFunction("EligibleProducts", "GET", "enterprises/{creditCode}/eligible-products", EligibleProductsAsync).Returns<Page<EligibleProductView>>(),
        new TimerFunction("RefreshMatches", "0 0 * * * *", (services, ct) => services.GetRequiredService<MatchRefresher>().RefreshAllAsync(ct)),
    ];

    private static BankId BankOf(HttpContext context) =>
        BankId.TryParse(context.Request.RouteValues["bankId"] as string, out var bank, out var error) ? bank : throw ValidationException.For("bankId", error);

    /// <summary>A bank manages and reads the results of its own products only; another bank's are "not found".</summary>
    private static void RequireOwnBank(Principal caller, BankId bank)
    {
        if (caller.Role == Role.Bank && caller.Subject != bank.Value) throw new NotFoundException($"No bank {bank} among yours.");
    }

    private static async Task<LoanProduct> ProductAsync(HttpContext context, BankId bank)
    {
        var id = context.Request.RouteValues["productId"] as string;
        if (!LoanProductInput.IsProductId(id)) throw new NotFoundException($"No product {id} of bank {bank}.");
        return await context.Service<ProductStore>().GetAsync(bank, id!, context.RequestAborted) ?? throw new NotFoundException($"No product {id} of bank {bank}.");
    }

    private static async Task<IResult> PutAsync(HttpContext context)
    {
        var caller = await context.CallerAsync(Role.Admin, Role.Bank);
        var bank = BankOf(context);
        if (caller.Role == Role.Bank && caller.Subject != bank.Value) throw new ForbiddenException("A bank manages its own products only.");
        var product = (await Json.ReadBodyAsync<LoanProductInput>(context)).Validate(bank, context.Request.RouteValues["productId"] as string, context.Now());
        var put = await context.Service<ProductStore>().PutAsync(product, caller, p => TradingJson.Serialize(View(p.Product)), context.TraceIdentifier,
            context.RequestAborted);
        // A bank never waits an hour for an edit: its matches are refreshed now (an unchanged product needs none).
        if (put.Outcome != PutOutcome.Unchanged) await Refresh.ProductAsync(context, put.Product);
        return Json.Result(View(put.Product), put.Created ? 201 : 200);
    }

    private static async Task<IResult> GetAsync(HttpContext context)
    {
        var caller = await context.CallerAsync(Role.Admin, Role.Bank, Role.Official);
        var bank = BankOf(context);
        RequireOwnBank(caller, bank);
        return Json.Result(View(await ProductAsync(context, bank)));
    }

    private static async Task<IResult> ListAsync(HttpContext context)
    {
        var caller = await context.CallerAsync(Role.Admin, Role.Bank, Role.Official);
        var bank = BankOf(context);
        RequireOwnBank(caller, bank);
        var list = await context.Service<ProductStore>().ListAsync(bank, context.RequestAborted);
        return Json.Result(new Page<ProductView>(list.Select(View).ToList(), null));
    }

    private static async Task<IResult> EligibleAsync(HttpContext context)
    {
        var caller = await context.CallerAsync(Role.Admin, Role.Bank);
        var bank = BankOf(context);
        RequireOwnBank(caller, bank);
        var product = await ProductAsync(context, bank);
        var errors = new FieldErrors();
        var pageSize = Paging.PageSize(context.Query("pageSize"), errors);
        errors.ThrowIfAny();
        var (items, token, asOf) = await context.Service<MatchRefresher>().EligibleAsync(product, pageSize, context.Query("continuationToken"), context.RequestAborted);
        return Json.Result(new EligibleFirmsView(asOf is { } a ? Timestamps.Format(a) : null,
            items.Select(m => new EligibleFirmView(m.CreditCode, m.Name, m.Region, m.Industry, m.Grade, m.CreditRating, m.PositiveList, Money.FromFen(m.LimitFen).Yuan)).ToList(),
            token));
    }

    private static async Task<IResult> ExplainAsync(HttpContext context)
    {
        var caller = await context.CallerAsync(Role.Admin, Role.Bank);
        var bank = BankOf(context);
        RequireOwnBank(caller, bank);
        var product = await ProductAsync(context, bank);
        if (!CreditCode.TryParse(context.Request.RouteValues["creditCode"] as string, out var code, out var error)) throw ValidationException.For("creditCode", error);
        var firm = await context.Service<IEnterpriseStore>().GetAsync(code, context.RequestAborted) ?? throw new NotFoundException($"No enterprise {code}.");
        var result = await context.Service<MatchRefresher>().ExplainAsync(product, firm, context.RequestAborted);
        return Json.Result(new EligibilityView(result.Eligible, result.Limit?.Yuan, result.Reasons, result.Notes, result.GradeInForce.ToString(),
            Timestamps.Format(context.Now())));
    }

    private static async Task<IResult> EligibleProductsAsync(HttpContext context)
    {
        var caller = await context.CallerAsync(Role.Admin, Role.Official, Role.Enterprise);
        var firm = await EnterprisesApi.FindVisibleAsync(context, caller, context.Request.RouteValues["creditCode"] as string);
        var store = context.Service<ProductStore>();
        var matches = await context.Service<MatchRefresher>().OfFirmAsync(firm.CreditCode, context.RequestAborted);
        var items = new List<EligibleProductView>();
        foreach (var m in matches.OrderByDescending(m => m.LimitFen).ThenBy(m => m.ProductKey, StringComparer.Ordinal))
        {
            var parts = m.ProductKey.Split('|');
            if (!BankId.TryParse(parts[0], out var bank, out _)) continue;
            if (await store.GetAsync(bank, parts[1], context.RequestAborted) is not { } product) continue;
            items.Add(new EligibleProductView(bank.Value, product.ProductId, product.Name, product.AnnualRatePct, product.TermMonths,
                product.Pledge is not null, Money.FromFen(m.LimitFen).Yuan, Timestamps.Format(m.AsOf)));
        }
        return Json.Result(new Page<EligibleProductView>(items, null));
    }

    public static ProductView View(LoanProduct p) => new(
        p.Bank.Value, p.ProductId, p.Name, p.MinGrade.ToString(), p.AllowUngraded, p.MinCreditRating.ToString(), p.RequirePositiveList,
        p.Industries.Order().Select(i => i.ToString()).ToList(), p.Regions.Select(r => r.Value).ToList(), p.MinAmount.Yuan, p.MaxAmount.Yuan,
        p.AnnualRatePct, p.TermMonths,
        p.Pledge is null ? null : new ProductPledgeView(p.Pledge.Pollutants.Select(x => x.ToString()).ToList(), p.Pledge.LoanToValue),
        Timestamps.Format(p.UpdatedAt));
}

/// <summary>
/// Refreshes matches right after a change. The change itself is already recorded; a refresh that fails is logged and
/// left to the hourly RefreshMatches run, rather than turning a recorded change into an error.
/// </summary>
public static class Refresh
{
    public static Task ProductAsync(HttpContext context, LoanProduct product) =>
        RunAsync(context, $"product {product.Key}", r => r.RefreshProductAsync(product, context.RequestAborted));

    public static Task FirmAsync(HttpContext context, CreditCode code) =>
        RunAsync(context, $"enterprise {code}", r => r.RefreshFirmAsync(code, context.RequestAborted));

    private static async Task RunAsync(HttpContext context, string what, Func<MatchRefresher, Task> refresh)
    {
        try
        {
            await refresh(context.Service<MatchRefresher>());
        }
        catch (Exception ex) when (ProblemsMiddleware.IsStorageFault(ex) && !context.RequestAborted.IsCancellationRequested)
        {
            context.Service<ILoggerFactory>().CreateLogger("Refresh").LogWarning(ex, "Refreshing matches of {What} failed; RefreshMatches will catch up", what);
        }
    }
}

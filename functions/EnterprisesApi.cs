using Trading.Core;
using Trading.Core.Access;
using Trading.Core.Enterprises;
using Trading.Core.Primitives;
using Trading.Functions.Hosting;
using Trading.Infra;

namespace Trading.Functions;

public static class EnterprisesApi
{
    public static IEnumerable<FunctionDeclaration> Functions =>
    [
        new HttpFunction("PutEnterprise", "PUT", "enterprises/{creditCode}", PutAsync).Accepts<EnterpriseInput>().Returns<EnterpriseView>(200, 201).Problems(422),
        new HttpFunction("GetEnterprise", "GET", "enterprises/{creditCode}", GetAsync).Returns<EnterpriseView>(),
        new HttpFunction("ListEnterprises", "GET", "enterprises", ListAsync).Query("region", "grade").Paged().Returns<Page<EnterpriseView>>(),
    ];

    private static async Task<IResult> PutAsync(HttpContext context)
    {
        var caller = await context.CallerAsync(Role.Admin, Role.Official);
        var input = await Json.ReadBodyAsync<EnterpriseInput>(context);
        var enterprise = input.Validate(context.Request.RouteValues["creditCode"] as string, context.Now());
        // Who may register which firm (an official in scope of its old and new region) is decided in the use case.
        var put = await context.Service<IEnterpriseStore>().PutAsync(enterprise, caller, p => TradingJson.Serialize(Views.Enterprise(p.Enterprise)),
            context.TraceIdentifier, context.RequestAborted);
        // A grade or rating change reaches the banks' eligible lists now, not at the next hourly refresh.
        if (put.Outcome != PutOutcome.Unchanged) await Refresh.FirmAsync(context, enterprise.CreditCode);
        return Json.Result(Views.Enterprise(put.Enterprise), put.Created ? 201 : 200,
            headers: put.Created ? new Dictionary<string, string> { ["Location"] = $"/api/enterprises/{enterprise.CreditCode}" } : null);
    }

    private static async Task<IResult> GetAsync(HttpContext context)
    {
        var caller = await context.CallerAsync(Role.Admin, Role.Official, Role.Enterprise);
        var enterprise = await FindVisibleAsync(context, caller, context.Request.RouteValues["creditCode"] as string);
        return Json.Result(Views.Enterprise(enterprise));
    }

    /// <summary>The enterprise if the caller may see it; 404 alike for one that does not exist and one outside scope.</summary>
    public static async Task<Enterprise> FindVisibleAsync(HttpContext context, Principal caller, string? creditCodeText)
    {
        if (!CreditCode.TryParse(creditCodeText, out var code, out var error)) throw ValidationException.For("creditCode", error);
        var notFound = new NotFoundException($"No enterprise {code} in your scope.");
        if (caller.Role == Role.Enterprise && !caller.IsEnterprise(code)) throw notFound;
        var enterprise = await context.Service<IEnterpriseStore>().GetAsync(code, context.RequestAborted) ?? throw notFound;
        if (caller.Role == Role.Official && !caller.GovernsRegion(enterprise.Region)) throw notFound;
        return enterprise;
    }

    private static async Task<IResult> ListAsync(HttpContext context)
    {
        var caller = await context.CallerAsync(Role.Admin, Role.Official);
        var errors = new FieldErrors();
        var region = Scope.RegionFilter(caller, context.Query("region"), errors);
        PerformanceGrade? grade = null;
        if (context.Query("grade") is { } g)
        {
            if (Ratings.TryParseGrade(g, out var parsed)) grade = parsed;
            else errors.Add("grade", $"must be one of {Ratings.Names<PerformanceGrade>()}");
        }
        var pageSize = Paging.PageSize(context.Query("pageSize"), errors);
        errors.ThrowIfAny();
        Scope.RequireGoverns(caller, region);
        var page = await context.Service<IEnterpriseStore>().ListAsync(region, grade, pageSize, context.Query("continuationToken"), context.RequestAborted);
        return Json.Result(Views.Page(page, Views.Enterprise));
    }
}

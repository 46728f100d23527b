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

/// <summary>Region filters of list endpoints: an official's own prefix by default, never wider.</summary>
public static class Scope
{
    public static RegionPrefix RegionFilter(Principal caller, string? text, FieldErrors errors)
    {
        if (text is null) return caller.Role == Role.Official ? RegionPrefix.Parse(caller.Subject) : RegionPrefix.All;
        if (RegionPrefix.TryParse(text, out var prefix, out var error)) return prefix;
        errors.Add("region", error);
        return RegionPrefix.All;
    }

    /// <summary>A region prefix for public market data (any caller): none means every region.</summary>
    public static RegionPrefix AnyRegion(string? text, FieldErrors errors)
    {
        if (text is null) return RegionPrefix.All;
        if (RegionPrefix.TryParse(text, out var prefix, out var error)) return prefix;
        errors.Add("region", error);
        return RegionPrefix.All;
    }

    public static Pollutant? Pollutant(string? text, FieldErrors errors)
    {
        if (text is null) return null;
        if (Pollutants.TryParse(text, out var pollutant)) return pollutant;
        errors.Add("pollutant", $"must be one of {Pollutants.Names}");
        return null;
    }

    /// <summary>A <c>status</c> filter: one of the enum's names, in any case (a number is not a name).</summary>
    public static TEnum? Status<TEnum>(string? text, FieldErrors errors) where TEnum : struct, Enum
    {
        if (text is null) return null;
        // A name of the set only: not a number, not " open", not a comma list that Enum.TryParse would OR into another value.
        if (Enum.GetNames<TEnum>().FirstOrDefault(n => string.Equals(n, text, StringComparison.OrdinalIgnoreCase)) is { } name)
            return Enum.Parse<TEnum>(name);
        errors.Add("status", "must be one of " + string.Join(", ", Enum.GetNames<TEnum>().Select(n => n.ToLowerInvariant())));
        return null;
    }

    /// <summary>
    /// Whose list a bank-and-holder list (pledges, loans) reads: a bank its own, an enterprise its own (403 when it asks
    /// for another's), officials and admin the one asked for or all.
    /// </summary>
    public static string? BankOrHolderList(Principal caller, BankId? bank, CreditCode? holder, string what) => caller.Role switch
    {
        Role.Bank when bank is { } other && other.Value != caller.Subject => throw new ForbiddenException($"A bank sees its own {what} only."),
        Role.Bank => "bank:" + caller.Subject,
        Role.Enterprise when holder is { } other && other.Value != caller.Subject => throw new ForbiddenException($"An enterprise sees its own {what} only."),
        Role.Enterprise => "holder:" + caller.Subject,
        _ => holder is { } h ? "holder:" + h.Value : bank is { } b ? "bank:" + b.Value : null,
    };

    public static ReportingMonth? Month(string? text, string field, FieldErrors errors)
    {
        if (text is null) return null;
        if (ReportingMonth.TryParse(text, out var month, out var error)) return month;
        errors.Add(field, error);
        return null;
    }

    public static void RequireGoverns(Principal caller, RegionPrefix region)
    {
        if (!caller.GovernsPrefix(region))
            throw new ForbiddenException($"Region {(region.Value.Length == 0 ? "(all)" : region.Value)} is outside your scope ({caller.Subject}).");
    }
}

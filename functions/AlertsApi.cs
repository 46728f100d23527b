using Trading.Core;
using Trading.Core.Access;
using Trading.Core.Alerts;
using Trading.Core.Enterprises;
using Trading.Core.Primitives;
using Trading.Functions.Hosting;
using Trading.Infra;

namespace Trading.Functions;

/// <summary>
/// Heavy-pollution alerts (重污染天气应急, api.md v3): firms' emergency plans and areas' industry rules, alerts declared and
/// lifted, each firm's measure (decided in core by <see cref="EmergencyRules"/>), the measures list and summary of an
/// alert's region read in bulk, and the timer that tells every firm of the region.
/// </summary>
public static class AlertsApi
{
    public static IEnumerable<FunctionDeclaration> Functions =>
    [
        new HttpFunction("PutEmergencyPlan", "PUT", "enterprises/{creditCode}/emergency-plan", PutPlanAsync)
            .Summary("Record a firm's emergency plan (一厂一策) and guarantee-list flag")
            .Accepts<EmergencyPlanInput>().Returns<EmergencyPlanView>(200, 201).Problems(422),
        new HttpFunction("GetEmergencyPlan", "GET", "enterprises/{creditCode}/emergency-plan", GetPlanAsync)
            .Summary("A firm's emergency plan (the firm itself, officials in scope, admin)").Returns<EmergencyPlanView>(),
        new HttpFunction("PutEmergencyRules", "PUT", "emergency-rules/{regionPrefix}", PutRulesAsync)
            .Summary("Replace a region prefix's industry rules (by industry and grade, per level)")
            .Accepts<IndustryRulesInput>().Returns<IndustryRulesView>(200, 201),
        new HttpFunction("GetEmergencyRules", "GET", "emergency-rules/{regionPrefix}", GetRulesAsync)
            .Summary("A region prefix's industry rules (any official, admin)").Returns<IndustryRulesView>(),
        new HttpFunction("DeclareAlert", "POST", "alerts", DeclareAsync)
            .Summary("Declare a heavy-pollution alert (yellow, orange or red) for a region and a window of at most 30 days")
            .Accepts<AlertInput>().Returns<AlertView>(201).Idempotent().Problems(422),
        new HttpFunction("ListAlerts", "GET", "alerts", ListAsync)
            .Summary("Alerts overlapping a region (any key), newest first").Query("region", "status").Returns<Page<AlertView>>(),
        new HttpFunction("GetAlert", "GET", "alerts/{id}", GetAsync).Summary("One alert (any key)").Returns<AlertView>(),
        new HttpFunction("LiftAlert", "POST", "alerts/{id}/lift", LiftAsync)
            .Summary("Lift an alert now (idempotent by state; an alert ended by its window is 409)")
            .AcceptsNothing().Returns<AlertView>().Problems(409),
        new HttpFunction("AlertMeasures", "GET", "alerts/{id}/measures", MeasuresAsync)
            .Summary("Every firm of the alert's region with its measure, as JSON pages or CSV for Excel")
            .Query("measure", "industry", "grade", "format").Paged().Returns<Page<FirmMeasureView>>().Returns(200, "text/csv"),
        new HttpFunction("AlertSummary", "GET", "alerts/{id}/summary", SummaryAsync)
            .Summary("An alert's counts by measure and emissions saved per day, with the sentence officials publish").Returns<AlertSummaryView>(),
        new HttpFunction("EnterpriseMeasures", "GET", "enterprises/{creditCode}/measures", EnterpriseMeasuresAsync)
            .Summary("The alerts in force or scheduled over a firm's region, each with the firm's measure").Returns<Page<EnterpriseMeasureView>>(),
        new TimerFunction("NotifyAlerts", "15 * * * * *", (services, ct) => services.GetRequiredService<AlertNotifier>().RunAsync(ct)),
    ];

    private static async Task<IResult> PutPlanAsync(HttpContext context)
    {
        var caller = await context.CallerAsync(Role.Admin, Role.Official);
        var input = await Json.ReadBodyAsync<EmergencyPlanInput>(context);
        // The plan is kept under the firm's region: an unregistered firm (or one outside scope) has no plan to record.
        var firm = await EnterprisesApi.FindVisibleAsync(context, caller, context.Request.RouteValues["creditCode"] as string);
        var plan = input.Validate(firm, caller.Id, context.Now());
        var put = await context.Service<AlertStore>().PutPlanAsync(plan, caller, p => TradingJson.Serialize(AlertViews.Plan(p.Plan)), context.TraceIdentifier,
            context.RequestAborted);
        return Json.Result(AlertViews.Plan(put.Plan), put.Created ? 201 : 200);
    }

    private static async Task<IResult> GetPlanAsync(HttpContext context)
    {
        var caller = await context.CallerAsync(Role.Admin, Role.Official, Role.Enterprise);
        var firm = await EnterprisesApi.FindVisibleAsync(context, caller, context.Request.RouteValues["creditCode"] as string);
        var plan = await context.Service<AlertStore>().GetPlanAsync(firm, context.RequestAborted)
                   ?? throw new NotFoundException($"{firm.CreditCode} has no emergency plan.");
        return Json.Result(AlertViews.Plan(plan));
    }

    private static async Task<IResult> PutRulesAsync(HttpContext context)
    {
        var caller = await context.CallerAsync(Role.Admin, Role.Official);
        var input = await Json.ReadBodyAsync<IndustryRulesInput>(context);
        var rules = input.Validate(context.Request.RouteValues["regionPrefix"] as string, caller.Id, context.Now());
        var put = await context.Service<AlertStore>().PutRulesAsync(rules, caller, p => TradingJson.Serialize(AlertViews.Rules(p.Rules.Prefix, p.Rules)),
            context.TraceIdentifier, context.RequestAborted);
        return Json.Result(AlertViews.Rules(put.Rules.Prefix, put.Rules), put.Created ? 201 : 200);
    }

    private static async Task<IResult> GetRulesAsync(HttpContext context)
    {
        await context.CallerAsync(Role.Admin, Role.Official);
        if (!RegionPrefix.TryParse(context.Request.RouteValues["regionPrefix"] as string, out var prefix, out var error))
            throw ValidationException.For("regionPrefix", error);
        var rules = await context.Service<AlertStore>().GetRulesAsync(prefix, context.RequestAborted);
        return Json.Result(AlertViews.Rules(prefix, rules));
    }

    private static async Task<IResult> DeclareAsync(HttpContext context)
    {
        var caller = await context.CallerAsync(Role.Admin, Role.Official);
        var key = Writes.IdempotencyKey(context);
        var request = (await Json.ReadBodyAsync<AlertInput>(context)).Validate();
        var now = context.Now();
        var outcome = await context.Service<AlertStore>().DeclareAsync(request, caller, key, a => TradingJson.Serialize(AlertViews.Alert(a, now)),
            context.TraceIdentifier, context.RequestAborted);
        var headers = new Dictionary<string, string> { ["Location"] = $"/api/alerts/{outcome.ResourceId}" };
        if (outcome.Replayed) headers["Idempotent-Replayed"] = "true";
        return Json.Text(outcome.Body, 201, headers);
    }

    private static async Task<IResult> ListAsync(HttpContext context)
    {
        await context.CallerAsync();
        var errors = new FieldErrors();
        var region = Scope.AnyRegion(context.Query("region"), errors);
        var status = Scope.Status<AlertStatus>(context.Query("status"), errors);
        errors.ThrowIfAny();
        var now = context.Now();
        var alerts = await context.Service<AlertStore>().ListAlertsAsync(region, context.RequestAborted);
        // A region's alerts are few: one page (the list pages as every list does; its token is null).
        return Json.Result(new Page<AlertView>(alerts.Where(a => status is null || a.StatusAt(now) == status).Select(a => AlertViews.Alert(a, now)).ToList(), null));
    }

    private static async Task<IResult> GetAsync(HttpContext context)
    {
        await context.CallerAsync();
        var alert = await FindAsync(context);
        return Json.Result(AlertViews.Alert(alert, context.Now()));
    }

    private static async Task<IResult> LiftAsync(HttpContext context)
    {
        var caller = await context.CallerAsync(Role.Admin, Role.Official);
        await Json.ReadOptionalBodyAsync<Json.NoFields>(context);
        var (region, number) = RouteId(context);
        var now = context.Now();
        var outcome = await context.Service<AlertStore>().LiftAsync(region, number, caller, a => TradingJson.Serialize(AlertViews.Alert(a, now)),
            context.TraceIdentifier, context.RequestAborted);
        return Json.Text(outcome.Body, 200);
    }

    private static async Task<IResult> MeasuresAsync(HttpContext context)
    {
        var caller = await context.CallerAsync(Role.Admin, Role.Official);
        var errors = new FieldErrors();
        Measure? measure = null;
        if (context.Query("measure") is { } m)
        {
            if (MeasureNames.TryParse(m, out Measure parsed)) measure = parsed;
            else errors.Add("measure", "must be one of self, none, limit, stop, noPlan");
        }
        Industry? industry = null;
        if (context.Query("industry") is { } i)
        {
            if (Ratings.TryParseName<Industry>(i, out var parsed)) industry = parsed;
            else errors.Add("industry", $"must be one of {Ratings.Names<Industry>()}");
        }
        PerformanceGrade? grade = null;
        if (context.Query("grade") is { } g)
        {
            if (Ratings.TryParseGrade(g, out var parsed)) grade = parsed;
            else errors.Add("grade", $"must be one of {Ratings.Names<PerformanceGrade>()}");
        }
        var format = context.Query("format") ?? "json";
        if (format is not ("json" or "csv")) errors.Add("format", "is json or csv");
        var pageSize = Paging.PageSize(context.Query("pageSize"), errors);
        var after = ContinuationTokens.Decode(context.Query("continuationToken"));
        errors.ThrowIfAny();
        var alert = await FindInScopeAsync(context, caller);
        var now = context.Now();
        var rows = (await context.Service<AlertStore>().MeasuresAsync(alert, now, context.RequestAborted))
            .Where(r => (measure is null || r.Measure.Measure == measure) && (industry is null || r.Firm.Industry == industry)
                        && (grade is null || r.Measure.GradeInForce == grade))
            .ToList();
        if (format == "csv")
        {
            context.Response.Headers.ContentDisposition = $"attachment; filename=\"measures-{alert.Id}.csv\"";
            return Results.Text(MeasuresCsv.Of(rows), "text/csv; charset=utf-8");
        }
        // The list's order is the by-region list's (region, then credit code); a page continues after its last firm.
        var page = rows.Where(r => after is null || string.CompareOrdinal(AlertStore.CursorOf(r.Firm), after) > 0).Take(pageSize + 1).ToList();
        var next = page.Count > pageSize ? ContinuationTokens.Encode(AlertStore.CursorOf(page[pageSize - 1].Firm)) : null;
        return Json.Result(new Page<FirmMeasureView>(page.Take(pageSize).Select(AlertViews.Firm).ToList(), next));
    }

    private static async Task<IResult> SummaryAsync(HttpContext context)
    {
        var caller = await context.CallerAsync(Role.Admin, Role.Official);
        var alert = await FindInScopeAsync(context, caller);
        var now = context.Now();
        var rows = await context.Service<AlertStore>().MeasuresAsync(alert, now, context.RequestAborted);
        return Json.Result(AlertViews.Summary(alert, AlertSummary.Of(alert.Level, rows.Select(r => r.Measure)), now));
    }

    /// <summary>
    /// The alerts scheduled or in force over the firm's region (ended ones are not listed), each with the firm's measure at
    /// its level on the day it applies; <c>follows</c> marks the highest in force.
    /// </summary>
    private static async Task<IResult> EnterpriseMeasuresAsync(HttpContext context)
    {
        var caller = await context.CallerAsync(Role.Admin, Role.Official, Role.Enterprise);
        var firm = await EnterprisesApi.FindVisibleAsync(context, caller, context.Request.RouteValues["creditCode"] as string);
        var store = context.Service<AlertStore>();
        var ct = context.RequestAborted;
        var alertsTask = store.AlertsOverAsync(firm.Region, ct);
        var planTask = store.GetPlanAsync(firm, ct);
        var rulesTask = store.RulesOverAsync(firm.Region, ct);
        await Task.WhenAll(alertsTask, planTask, rulesTask);
        var now = context.Now();
        var open = alertsTask.Result.Where(a => a.StatusAt(now) != AlertStatus.Ended).OrderBy(a => a.StartsAt).ThenByDescending(a => a.Level).ToList();
        var follows = EmergencyRules.InForce(open, firm.Region, now);
        var items = open.Select(a => AlertViews.Enterprise(new AlertNotice(a, firm,
            EmergencyRules.MeasureOf(firm, planTask.Result, rulesTask.Result, a.Level, EmergencyRules.DayFor(a, now)), now, ReferenceEquals(a, follows)), now)).ToList();
        return Json.Result(new Page<EnterpriseMeasureView>(items, null));
    }

    private static (RegionPrefix Region, long Number) RouteId(HttpContext context)
    {
        var text = context.Request.RouteValues["id"] as string;
        return Alert.TryParseId(text, out var region, out var number) ? (region, number) : throw new NotFoundException($"No alert {text}.");
    }

    private static async Task<Alert> FindAsync(HttpContext context)
    {
        var (region, number) = RouteId(context);
        return await context.Service<AlertStore>().GetAlertAsync(region, number, context.RequestAborted)
               ?? throw new NotFoundException($"No alert {Alert.IdOf(region, number)}.");
    }

    /// <summary>The alert, for an official whose prefix covers its region (404 alike for one outside scope and one that does not exist).</summary>
    private static async Task<Alert> FindInScopeAsync(HttpContext context, Principal caller)
    {
        var (region, number) = RouteId(context);
        if (!caller.GovernsPrefix(region)) throw new NotFoundException($"No alert {Alert.IdOf(region, number)} in your scope.");
        return await context.Service<AlertStore>().GetAlertAsync(region, number, context.RequestAborted)
               ?? throw new NotFoundException($"No alert {Alert.IdOf(region, number)} in your scope.");
    }
}

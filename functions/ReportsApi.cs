using Trading.Core;
using Trading.Core.Access;
using Trading.Core.Primitives;
using Trading.Functions.Hosting;
using Trading.Infra;

namespace Trading.Functions;

public static class ReportsApi
{
    public static IEnumerable<FunctionDeclaration> Functions =>
    [
        new HttpFunction("GetReport", "GET", "reports/{month}", GetAsync).Summary("A closed month's report, as JSON or CSV")
            .Query("region", "format").Returns(200, "application/json").Returns(200, "text/csv"),
        new TimerFunction("CloseMonth", "0 30 16 * * *", (services, ct) => services.GetRequiredService<MonthCloser>().CloseEndedMonthsAsync(ct)),
    ];

    private static async Task<IResult> GetAsync(HttpContext context)
    {
        var caller = await context.CallerAsync(Role.Admin, Role.Official);
        var errors = new FieldErrors();
        if (!ReportingMonth.TryParse(context.Request.RouteValues["month"] as string, out var month, out var monthError)) errors.Add("month", monthError);
        var region = Scope.RegionFilter(caller, context.Query("region"), errors);
        var format = context.Query("format") ?? "json";
        if (format is not ("json" or "csv")) errors.Add("format", "is json or csv");
        errors.ThrowIfAny();
        Scope.RequireGoverns(caller, region);
        var closed = await context.Service<MonthFigures>().ClosedMonthsAsync(month, month, context.RequestAborted);
        var report = closed.Contains(month) ? await context.Service<ReportStore>().ReadAsync(month, region, context.RequestAborted) : null;
        if (report is null) throw new NotFoundException($"The month {month} is not closed yet; its report is written when CloseMonth closes it.");
        if (format == "json") return Json.Result(ReportJson.View(report));
        var name = $"report-{(region.Value.Length == 0 ? "all" : region.Value)}-{month}.csv";
        context.Response.Headers.ContentDisposition = $"attachment; filename=\"{name}\"";
        return Results.Text(report.ToCsv(), "text/csv; charset=utf-8");
    }
}

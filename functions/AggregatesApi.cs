using Trading.Core;
using Trading.Core.Access;
using Trading.Core.Loans;
using Trading.Core.Primitives;
using Trading.Core.Reporting;
using Trading.Functions.Hosting;
using Trading.Infra;

namespace Trading.Functions;

public static class AggregatesApi
{
    public static IEnumerable<FunctionDeclaration> Functions =>
    [
        new HttpFunction("MonthlyAggregates", "GET", "aggregates/monthly", MonthlyAsync)
            .Summary("A region's trades in one month, against the month before and the same month a year before").Query("region", "month").Returns<FiguresView>(),
        new HttpFunction("PeriodAggregates", "GET", "aggregates/period", PeriodAsync)
            .Summary("A region's trades over a range of months, month by month, against the year before").Query("region", "from", "to").Returns<FiguresView>(),
        new HttpFunction("LoanAggregates", "GET", "aggregates/loans", LoansAsync)
            .Summary("Green loans granted to a region's firms over a range of months, against the year before").Query("region", "from", "to").Returns<LoanFiguresView>(),
        new TimerFunction("CopyRollups", "30 * * * * *", (services, ct) => services.GetRequiredService<RegionRollups>().CatchUpAsync(ct, services.GetRequiredService<TimerBudgets>().Start())),
    ];

    private static async Task<IResult> MonthlyAsync(HttpContext context)
    {
        var caller = await context.CallerAsync(Role.Admin, Role.Official);
        var errors = new FieldErrors();
        var region = Scope.RegionFilter(caller, context.Query("region"), errors);
        var month = RequiredMonth(context, "month", errors);
        errors.ThrowIfAny();
        Scope.RequireGoverns(caller, region);
        var figures = await ComputeAsync(context, region, month, month, withPreviousMonth: true);
        return Json.Result(View(figures, month));
    }

    private static async Task<IResult> PeriodAsync(HttpContext context)
    {
        var (region, from, to) = await RangeAsync(context);
        var figuresTask = ComputeAsync(context, region, from, to, withPreviousMonth: false);
        var loans = LoanTotals.Of(await context.Service<LoanFigures>().ReadAsync(region, from, to, context.RequestAborted));
        var view = View(await figuresTask, null);
        // Where the range has loans, the summary gains the second figure officials publish.
        if (loans.Loans > 0) view = view with { Summary = $"{view.Summary}；{loans.Sentence()}" };
        return Json.Result(view);
    }

    /// <summary>Green loans granted in the range to firms registered under the prefix, from the loan counters; with the year before.</summary>
    private static async Task<IResult> LoansAsync(HttpContext context)
    {
        var (region, from, to) = await RangeAsync(context);
        var store = context.Service<LoanFigures>();
        var currentTask = store.ReadAsync(region, from, to, context.RequestAborted);
        // The year before, cut to the months that exist: nothing before 2000-01 (and no overflow there).
        var previous = LoanTotals.Of(ReportingMonth.Shift(from, to, -12) is (var pf, var pt)
            ? await store.ReadAsync(region, pf, pt, context.RequestAborted) : []);
        var current = LoanTotals.Of(await currentTask);
        return Json.Result(new LoanFiguresView(region.Value, from.ToString(), to.ToString(), current.Firms, current.Loans, current.Yuan,
            current.ByBank.Select(b => new BankLoansView(b.Bank.Value, b.Firms, b.Loans, Wide.Yuan(b.Fen))).ToList(),
            new LoanTotalsView(previous.Firms, previous.Loans, previous.Yuan),
            new LoanChangeView(current.Firms - previous.Firms, Figures.Percent(current.Firms - previous.Firms, previous.Firms),
                current.Loans - previous.Loans, Figures.Percent(current.Loans - previous.Loans, previous.Loans),
                Wide.Yuan(current.Fen - previous.Fen), Figures.Percent(current.Fen - previous.Fen, previous.Fen)),
            current.Sentence()));
    }

    private static async Task<PeriodFigures> ComputeAsync(HttpContext context, RegionPrefix region,
        ReportingMonth from, ReportingMonth to, bool withPreviousMonth)
    {
        var store = context.Service<MonthFigures>();
        // A year before the range also covers the month before it (month over month).
        var rowsTask = store.ReadAsync(region, from.TryAddMonths(-12, out var yearBefore) ? yearBefore : ReportingMonth.MinValue, to, context.RequestAborted);
        var closedTask = store.ClosedMonthsAsync(from, to, context.RequestAborted);
        return Aggregation.Period(await rowsTask, region, from, to, await closedTask, withPreviousMonth);
    }

    /// <summary>An official's (or admin's) region prefix and month range from the query: 400 for bad ones, 403 outside the scope.</summary>
    private static async Task<(RegionPrefix Region, ReportingMonth From, ReportingMonth To)> RangeAsync(HttpContext context)
    {
        var caller = await context.CallerAsync(Role.Admin, Role.Official);
        var errors = new FieldErrors();
        var region = Scope.RegionFilter(caller, context.Query("region"), errors);
        var from = RequiredMonth(context, "from", errors);
        var to = RequiredMonth(context, "to", errors);
        if (!errors.Any && from > to) errors.Add("from", "must not be after to");
        if (!errors.Any && (to.Year * 12 + to.Month) - (from.Year * 12 + from.Month) >= Aggregation.MaxMonths)
            errors.Add("to", $"a period spans at most {Aggregation.MaxMonths} months");
        errors.ThrowIfAny();
        Scope.RequireGoverns(caller, region);
        return (region, from, to);
    }

    private static ReportingMonth RequiredMonth(HttpContext context, string name, FieldErrors errors)
    {
        var text = context.Query(name);
        if (text is null) { errors.Add(name, "is required (yyyy-MM)"); return default; }
        if (ReportingMonth.TryParse(text, out var month, out var error)) return month;
        errors.Add(name, error);
        return default;
    }

    private static FiguresTotalsView TotalsView(Totals t) => new(t.Trades, t.Tonnes, t.Yuan);

    private static FiguresChangeView ChangeView(Change c) => new(c.TradesDelta, c.TradesPct, c.AmountDelta, c.AmountPct);

    private static FiguresView View(PeriodFigures f, ReportingMonth? month) => new(
        f.Region.Value, month?.ToString(), f.From.ToString(), f.To.ToString(), f.Closed,
        f.Current.Trades, f.Current.Tonnes, f.Current.Yuan,
        f.ByPollutant.Select(p => new PollutantFiguresView(p.Pollutant.ToString(), p.Totals.Trades, p.Totals.Tonnes, p.Totals.Yuan)).ToList(),
        TotalsView(f.PreviousYear), ChangeView(f.YearOverYear),
        f.PreviousMonth is { } pm ? TotalsView(pm) : null, f.MonthOverMonth is { } mom ? ChangeView(mom) : null,
        // Month by month, with the same month a year before: what the dashboard charts.
        f.Months.Select(m => new MonthFiguresView(m.Month.ToString(), m.Current.Trades, m.Current.Yuan, TotalsView(m.PreviousYear), ChangeView(m.YearOverYear))).ToList(),
        f.Sentence);
}

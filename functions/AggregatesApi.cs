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
        new HttpFunction("MonthlyAggregates", "GET", "aggregates/monthly", MonthlyAsync),
        new HttpFunction("PeriodAggregates", "GET", "aggregates/period", PeriodAsync),
        new HttpFunction("LoanAggregates", "GET", "aggregates/loans", LoansAsync),
        new TimerFunction("CopyRollups", "30 * * * * *", (services, ct) => services.GetRequiredService<RegionRollups>().CatchUpAsync(ct)),
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
        if (loans.Loans > 0) view["summary"] = $"{view["summary"]}；{loans.Sentence()}";
        return Json.Result(view);
    }

    /// <summary>Green loans granted in the range to firms registered under the prefix, from the loan counters; with the year before.</summary>
    private static async Task<IResult> LoansAsync(HttpContext context)
    {
        var (region, from, to) = await RangeAsync(context);
        var store = context.Service<LoanFigures>();
        var currentTask = store.ReadAsync(region, from, to, context.RequestAborted);
        var previous = LoanTotals.Of(await store.ReadAsync(region, from.AddYears(-1), to.AddYears(-1), context.RequestAborted));
        var current = LoanTotals.Of(await currentTask);
        static object Totals(LoanTotals t) => new { firms = t.Firms, loans = t.Loans, amount = t.Amount.Yuan };
        return Json.Result(new
        {
            region = region.Value,
            from = from.ToString(),
            to = to.ToString(),
            firms = current.Firms,
            loans = current.Loans,
            amount = current.Amount.Yuan,
            byBank = current.ByBank.Select(b => new { bankId = b.Bank.Value, firms = b.Firms, loans = b.Loans, amount = b.Amount.Yuan }).ToList(),
            previousYear = Totals(previous),
            yoy = new
            {
                firmsDelta = current.Firms - previous.Firms,
                firmsPct = Figures.Percent(current.Firms - previous.Firms, previous.Firms),
                loansDelta = current.Loans - previous.Loans,
                loansPct = Figures.Percent(current.Loans - previous.Loans, previous.Loans),
                amountDelta = (current.Amount.Fen - previous.Amount.Fen) / 100m + 0.00m,
                amountPct = Figures.Percent(current.Amount.Fen - previous.Amount.Fen, previous.Amount.Fen),
            },
            summary = current.Sentence(),
        });
    }

    private static async Task<PeriodFigures> ComputeAsync(HttpContext context, RegionPrefix region,
        ReportingMonth from, ReportingMonth to, bool withPreviousMonth)
    {
        var store = context.Service<MonthFigures>();
        // A year before the range also covers the month before it (month over month).
        var rowsTask = store.ReadAsync(region, from.AddYears(-1), to, context.RequestAborted);
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

    private static object TotalsView(Totals t) => new { trades = t.Trades, quantity = t.Quantity.Tonnes, amount = t.Amount.Yuan };

    private static object ChangeView(Change c) => new
    {
        tradesDelta = c.TradesDelta,
        tradesPct = c.TradesPct,
        amountDelta = c.AmountDelta.Fen / 100m + 0.00m,
        amountPct = c.AmountPct,
    };

    private static Dictionary<string, object?> View(PeriodFigures f, ReportingMonth? month)
    {
        var view = new Dictionary<string, object?> { ["region"] = f.Region.Value };
        if (month is { } m) view["month"] = m.ToString();
        view["from"] = f.From.ToString();
        view["to"] = f.To.ToString();
        view["closed"] = f.Closed;
        view["trades"] = f.Current.Trades;
        view["quantity"] = f.Current.Quantity.Tonnes;
        view["amount"] = f.Current.Amount.Yuan;
        view["byPollutant"] = f.ByPollutant.Select(p => new { pollutant = p.Pollutant.ToString(), trades = p.Totals.Trades, quantity = p.Totals.Quantity.Tonnes, amount = p.Totals.Amount.Yuan }).ToList();
        view["previousYear"] = TotalsView(f.PreviousYear);
        view["yoy"] = ChangeView(f.YearOverYear);
        if (f.PreviousMonth is { } pm)
        {
            view["previousMonth"] = TotalsView(pm);
            view["mom"] = ChangeView(f.MonthOverMonth!);
        }
        // Month by month, with the same month a year before: what the dashboard charts.
        view["months"] = f.Months.Select(m => new
        {
            month = m.Month.ToString(), trades = m.Current.Trades, amount = m.Current.Amount.Yuan, previousYear = TotalsView(m.PreviousYear), yoy = ChangeView(m.YearOverYear),
        }).ToList();
        view["summary"] = f.Sentence;
        return view;
    }
}

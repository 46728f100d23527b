namespace Trading.Functions.Hosting;

/// <summary>An Azure Functions function, declared once: its trigger drives both the standalone server and the emitted function.json.</summary>
public abstract record FunctionDeclaration(string Name);

/// <summary>An HTTP-triggered function: one method, a route under <c>/api</c>, and the handler.</summary>
public sealed record HttpFunction(string Name, string Method, string Route, Func<HttpContext, Task<IResult>> Handler)
    : FunctionDeclaration(Name);

/// <summary>A timer-triggered function: a 6-field NCrontab schedule in UTC and the work it does; returns log lines.</summary>
public sealed record TimerFunction(string Name, string Schedule, Func<IServiceProvider, CancellationToken, Task<IReadOnlyList<string>>> Run)
    : FunctionDeclaration(Name);

/// <summary>Every function of the app, in one list: the single source of truth for routes, schedules and function.json.</summary>
public static class FunctionCatalog
{
    public static IReadOnlyList<FunctionDeclaration> All { get; } =
    [
        .. HealthApi.Functions,
        .. KeysApi.Functions,
        .. EnterprisesApi.Functions,
        .. AllocationsApi.Functions,
        .. TradesApi.Functions,
        .. ProposalsApi.Functions,
        .. MarketsApi.Functions,
        .. ListingsApi.Functions,
        .. AuctionsApi.Functions,
        .. AggregatesApi.Functions,
        .. ReportsApi.Functions,
        .. DashboardApi.Functions,
        .. BanksApi.Functions,
        .. PledgesApi.Functions,
        .. LoansApi.Functions,
        .. ImportsApi.Functions,
    ];
}

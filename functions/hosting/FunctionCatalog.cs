namespace Trading.Functions.Hosting;

/// <summary>Every function of the app, in one list: the single source of truth for routes and schedules in both hosts.</summary>
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
        .. PublicApi.Functions,
        .. BanksApi.Functions,
        .. PledgesApi.Functions,
        .. LoansApi.Functions,
        .. ImportsApi.Functions,
        .. InboxApi.Functions,
        .. AlertsApi.Functions,
        .. OpenApiApi.Functions,
    ];

    private static readonly Dictionary<string, FunctionDeclaration> s_byName = All.ToDictionary(f => f.Name, StringComparer.Ordinal);

    /// <summary>The HTTP function of this name.</summary>
    public static HttpFunction Http(string name) => (HttpFunction)s_byName[name];

    /// <summary>The timer function of this name.</summary>
    public static TimerFunction Timer(string name) => (TimerFunction)s_byName[name];
}

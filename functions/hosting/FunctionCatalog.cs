namespace Trading.Functions.Hosting;

/// <summary>An Azure Functions function, declared once: its trigger drives both the standalone server and the emitted function.json.</summary>
public abstract record FunctionDeclaration(string Name);

/// <summary>
/// An HTTP-triggered function: one method, a route under <c>/api</c>, the handler, and what the OpenAPI document says
/// of it (<see cref="Doc"/>, built with the methods below where it is declared).
/// </summary>
public sealed record HttpFunction(string Name, string Method, string Route, Func<HttpContext, Task<IResult>> Handler)
    : FunctionDeclaration(Name)
{
    public ApiDoc Doc { get; init; } = new();

    public HttpFunction Summary(string summary) => this with { Doc = Doc with { Summary = summary } };

    /// <summary>A JSON body of <typeparamref name="T"/>.</summary>
    public HttpFunction Accepts<T>() => this with { Doc = Doc with { Body = new ApiBody(typeof(T), "application/json", Optional: false) } };

    /// <summary>A body that may be absent or <c>{}</c> (the state changes: confirm, reject, ...).</summary>
    public HttpFunction AcceptsNothing() => this with { Doc = Doc with { Body = new ApiBody(typeof(Json.NoFields), "application/json", Optional: true) } };

    /// <summary>A body that is not JSON (a CSV file, say): text of <paramref name="contentType"/>.</summary>
    public HttpFunction Accepts(string contentType) => this with { Doc = Doc with { Body = new ApiBody(typeof(string), contentType, Optional: false) } };

    /// <summary>A JSON answer of <typeparamref name="T"/> with each of <paramref name="statuses"/> (200 when none is given).</summary>
    public HttpFunction Returns<T>(params int[] statuses) =>
        this with { Doc = Doc with { Answers = [.. Doc.Answers, .. (statuses.Length == 0 ? [200] : statuses).Select(s => new ApiAnswer(s, typeof(T), "application/json"))] } };

    /// <summary>An answer not described by a type: text (HTML, CSV) or JSON of any shape (the OpenAPI document itself).</summary>
    public HttpFunction Returns(int status, string contentType) =>
        this with { Doc = Doc with { Answers = [.. Doc.Answers, new ApiAnswer(status, contentType.EndsWith("json", StringComparison.Ordinal) ? typeof(System.Text.Json.JsonElement) : typeof(string), contentType)] } };

    /// <summary>Problem answers this function gives besides those every function of its kind gives (see <see cref="OpenApiDescription"/>).</summary>
    public HttpFunction Problems(params int[] statuses) => this with { Doc = Doc with { Problems = [.. Doc.Problems, .. statuses] } };

    /// <summary>Query parameters the handler reads (their descriptions are in <see cref="OpenApiDescription"/>).</summary>
    public HttpFunction Query(params string[] names) => this with { Doc = Doc with { Query = [.. Doc.Query, .. names] } };

    /// <summary>A list answered page by page: <c>pageSize</c> and <c>continuationToken</c>.</summary>
    public HttpFunction Paged() => Query("pageSize", "continuationToken");

    /// <summary>A create that requires the <c>Idempotency-Key</c> header.</summary>
    public HttpFunction Idempotent() => this with { Doc = Doc with { IdempotencyKey = true } };

    /// <summary>Needs no key or token.</summary>
    public HttpFunction Anonymous() => this with { Doc = Doc with { Anonymous = true } };
}

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
        .. InboxApi.Functions,
        .. OpenApiApi.Functions,
    ];
}

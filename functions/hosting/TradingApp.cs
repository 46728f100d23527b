namespace Trading.Functions.Hosting;

/// <summary>
/// The standalone host: Kestrel on http://localhost:7071 (or <c>urls</c>), the catalog's routes under <c>/api</c>, its
/// own timers on their schedules, and <c>POST /admin/functions/{name}</c> to run a timer on demand. Used where the
/// Azure Functions host does not start us (<see cref="WorkerApp"/> is the other host): <c>./run.sh</c>, tests, benchmarks.
/// </summary>
public static class TradingApp
{
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        if (string.IsNullOrEmpty(builder.Configuration["urls"])) builder.WebHost.UseUrls("http://localhost:7071");
        TradingServices.Add(builder, functionsHost: false);
        builder.Services.AddOpenApi(OpenApiDescription.DocumentName, OpenApiDescription.Configure);
        OpenApiDescription.KeepContentTypeChecksInHandlers(builder.Services);
        configure?.Invoke(builder);

        var app = builder.Build();
        app.UseMiddleware<ProblemsMiddleware>();
        app.MapGet("/", () => Results.Text("Trading: see /api/health")).ExcludeFromDescription();
        MapFunctions(app);
        app.MapPost("/admin/functions/{name}", async context =>
        {
            var result = await AdminFunctionEndpoint.InvokeAsync(context, (string)context.Request.RouteValues["name"]!);
            await result.ExecuteAsync(context);
        }).ExcludeFromDescription();
        app.MapFallback(context => throw new Core.NotFoundException($"No endpoint {context.Request.Method} {context.Request.Path}."))
            .ExcludeFromDescription();
        return app;
    }

    /// <summary>Maps every HTTP function of the catalog at <c>/api/{route}</c>, described for the OpenAPI document.</summary>
    public static void MapFunctions(IEndpointRouteBuilder app)
    {
        foreach (var function in FunctionCatalog.All.OfType<HttpFunction>())
        {
            // Mapped as a route handler (not a RequestDelegate) so that the OpenAPI generator sees the endpoint.
            var endpoint = app.MapMethods("/api/" + function.Route, [function.Method], (Delegate)function.Handler).WithName(function.Name);
            OpenApiDescription.Describe(endpoint, function);
        }
    }
}

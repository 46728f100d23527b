using Microsoft.AspNetCore.Routing;
using Trading.Functions.Hosting;
using Trading.Tests.Support;

namespace Trading.Tests;

public sealed class HostingTests
{
    /// <summary>The catalog's functions as (name, method or "timer", route or schedule).</summary>
    public static List<string> Catalog() =>
        FunctionCatalog.All.Select(f => f switch
        {
            HttpFunction h => $"{h.Name} {h.Method} {h.Route}",
            TimerFunction t => $"{t.Name} timer {t.Schedule}",
            _ => throw new InvalidOperationException(f.Name),
        }).Order(StringComparer.Ordinal).ToList();

    /// <summary>What functions.metadata (written by the Worker.Sdk from the [Function] attributes) declares, in the same form.</summary>
    public static List<string> Declared(JArray metadata) =>
        metadata.Select(f =>
        {
            var trigger = f["bindings"]!.Single(b => b["direction"]!.Value<string>() == "In" && b["type"]!.Value<string>()!.EndsWith("Trigger", StringComparison.Ordinal));
            return trigger["type"]!.Value<string>() switch
            {
                "httpTrigger" => $"{f["name"]} {trigger["methods"]!.Single()!.Value<string>()!.ToUpperInvariant()} {trigger["route"]}",
                "timerTrigger" => $"{f["name"]} timer {trigger["schedule"]}",
                var other => throw new InvalidOperationException($"{f["name"]}: {other}"),
            };
        }).Order(StringComparer.Ordinal).ToList();

    /// <summary>The build output of functions/ in this test run's configuration (Debug or Release).</summary>
    public static string FunctionsOutput()
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name; // .../bin/<Configuration>/net10.0/
        return Path.Combine(Azurite.RepositoryRoot(), "functions", "bin", configuration, "net10.0");
    }

    [Fact]
    public async Task The_SDKs_functions_metadata_the_standalone_routes_and_the_OpenAPI_document_all_follow_the_catalog()
    {
        var catalog = Catalog();
        Assert.Equal(FunctionCatalog.All.Count, FunctionCatalog.All.Select(f => f.Name).Distinct().Count());

        var metadata = JArray.Parse(await File.ReadAllTextAsync(Path.Combine(FunctionsOutput(), "functions.metadata")));
        Assert.Equal(catalog, Declared(metadata));
        Assert.All(metadata, f => Assert.Equal("Trading.Functions.dll", f["scriptFile"]!.Value<string>()));

        var azurite = await Azurite.Shared;
        await using var server = await TestServer.StartAsync(azurite.ConnectionString, "meta", ApiFixture.AdminKey);
        var routes = server.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText!.StartsWith("/api/", StringComparison.Ordinal))
            .Select(e => $"{e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.IEndpointNameMetadata>()!.EndpointName} "
                         + $"{e.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods.Single()} {e.RoutePattern.RawText!["/api/".Length..]}");
        // The standalone scheduler fires the catalog's timers (it reads them from the catalog); each schedule parses.
        var timers = FunctionCatalog.All.OfType<TimerFunction>().Where(t => TimerScheduler.Parse(t.Schedule) is not null).Select(t => $"{t.Name} timer {t.Schedule}");
        Assert.Equal(catalog, routes.Concat(timers).Order(StringComparer.Ordinal));

        using var client = server.Client();
        var document = (await client.GetJsonAsync("/api/openapi.json")).Expect(200).Body;
        var operations = ((JObject)document["paths"]!).Properties()
            .SelectMany(p => ((JObject)p.Value).Properties().Where(o => o.Value is JObject op && op["operationId"] is not null)
                .Select(o => $"{o.Value["operationId"]} {o.Name.ToUpperInvariant()} {p.Name.TrimStart('/')["api/".Length..]}"));
        Assert.Equal(catalog.Where(c => !c.Contains(" timer ", StringComparison.Ordinal)), operations.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Every_route_and_method_pair_is_declared_once() =>
        Assert.Equal(FunctionCatalog.All.OfType<HttpFunction>().Count(),
            FunctionCatalog.All.OfType<HttpFunction>().Select(f => f.Method + " " + f.Route).Distinct().Count());

    [Fact]
    public void The_executable_knows_which_host_started_it()
    {
        Assert.True(WorkerApp.StartedByFunctionsHost(["--functions-uri", "http://127.0.0.1:5000/", "--functions-worker-id", "w"]));
        Assert.False(WorkerApp.StartedByFunctionsHost(["--urls", "http://localhost:7071"]));
    }

    [Fact]
    public async Task Unknown_paths_get_a_problem_404()
    {
        var azurite = await Azurite.Shared;
        await using var server = await TestServer.StartAsync(azurite.ConnectionString, "nf", ApiFixture.AdminKey);
        using var client = server.Client(ApiFixture.AdminKey);
        var reply = (await client.GetJsonAsync("/api/nothing-here")).Expect(404);
        Assert.Equal("application/problem+json", reply.ContentType?.MediaType);
        Assert.Matches("^[0-9a-f]{32}$", reply.Body["traceId"]!.Value<string>());
    }
}

using Microsoft.AspNetCore.OpenApi;
using Microsoft.Azure.Functions.Worker.Builder;

namespace Trading.Functions.Hosting;

/// <summary>
/// The isolated-worker host: what runs when the Azure Functions host starts us (it passes <c>--functions-uri</c> and sets
/// <c>Functions__Worker__HostEndpoint</c>). The host finds the functions through the SDK's generated metadata
/// (<see cref="WorkerFunctions"/>), fires the timers, and forwards HTTP requests to the worker's own Kestrel.
/// </summary>
public static class WorkerApp
{
    public const string HostEndpointVariable = "Functions__Worker__HostEndpoint";

    /// <summary>Whether the Functions host started this process (otherwise we run standalone: <see cref="TradingApp"/>).</summary>
    public static bool StartedByFunctionsHost(string[] args) =>
        args.Any(a => a == "--functions-uri" || a.StartsWith("--functions-uri=", StringComparison.Ordinal))
        || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(HostEndpointVariable));

    public static IHost Build(string[] args)
    {
        var builder = FunctionsApplication.CreateBuilder(args);
        builder.ConfigureFunctionsWebApplication();
        builder.UseMiddleware<WorkerPipelineMiddleware>();
        TradingServices.Add(builder, functionsHost: true);
        // The worker's ASP.NET Core endpoints are the SDK's and describe nothing: the document comes from the catalog,
        // mapped exactly as the standalone server maps it.
        builder.Services.AddSingleton<OpenApiDocuments>();
        builder.Services.AddKeyedSingleton<IOpenApiDocumentProvider>(OpenApiDescription.DocumentName,
            (sp, _) => sp.GetRequiredService<OpenApiDocuments>().Provider);
        return builder.Build();
    }
}

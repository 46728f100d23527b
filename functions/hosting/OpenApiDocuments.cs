using Microsoft.AspNetCore.OpenApi;

namespace Trading.Functions.Hosting;

/// <summary>
/// The OpenAPI document for a host whose ASP.NET Core endpoints are not the catalog's (the worker): a description-only
/// application, never started, that maps the catalog as <see cref="TradingApp.MapFunctions"/> does for the standalone
/// server, so both hosts serve the same document.
/// </summary>
public sealed class OpenApiDocuments : IAsyncDisposable
{
    private readonly WebApplication _description;

    public OpenApiDocuments()
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Services.ConfigureHttpJsonOptions(OpenApiDescription.ConfigureJson);
        builder.Services.AddOpenApi(OpenApiDescription.DocumentName, OpenApiDescription.Configure);
        OpenApiDescription.KeepContentTypeChecksInHandlers(builder.Services);
        _description = builder.Build();
        TradingApp.MapFunctions(_description);
        // What starting the app would do: hand the mapped endpoints to routing, where the document generator finds them.
        _description.UseRouting();
        _description.UseEndpoints(_ => { });
        Provider = _description.Services.GetRequiredKeyedService<IOpenApiDocumentProvider>(OpenApiDescription.DocumentName);
    }

    public IOpenApiDocumentProvider Provider { get; }

    public ValueTask DisposeAsync() => _description.DisposeAsync();
}

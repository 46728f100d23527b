using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Trading.Functions.Hosting;

namespace Trading.Functions;

/// <summary>The OpenAPI 3.1 document of every HTTP function, generated (see <see cref="OpenApiDescription"/>); no key needed.</summary>
public static class OpenApiApi
{
    public static IEnumerable<FunctionDeclaration> Functions =>
    [
        new HttpFunction("OpenApi", "GET", "openapi.json", GetAsync).Anonymous().Summary("The OpenAPI 3.1 document of this API")
            .Returns(200, "application/json"),
    ];

    private static async Task<IResult> GetAsync(HttpContext context)
    {
        var provider = context.RequestServices.GetRequiredKeyedService<IOpenApiDocumentProvider>(OpenApiDescription.DocumentName);
        var document = await provider.GetOpenApiDocumentAsync(context.RequestAborted);
        // Generated outside a request, the document knows no server: it is this one (under the Functions host, its address).
        var request = context.Request;
        document.Servers = [new OpenApiServer { Url = $"{request.Scheme}://{request.Host}{request.PathBase}" }];
        var json = await document.SerializeAsJsonAsync(OpenApiSpecVersion.OpenApi3_1, context.RequestAborted);
        return Results.Text(json, "application/json; charset=utf-8");
    }
}

using Trading.Functions.Hosting;

namespace Trading.Functions;

public static class DashboardApi
{
    private static readonly Lazy<string> s_page = new(() =>
    {
        using var stream = typeof(DashboardApi).Assembly.GetManifestResourceStream("Trading.Functions.dashboard.index.html")
                           ?? throw new InvalidOperationException("dashboard page not embedded");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    });

    public static IEnumerable<FunctionDeclaration> Functions =>
    [
        new HttpFunction("Dashboard", "GET", "dashboard", GetAsync).Anonymous().Summary("The portal page").Returns(200, "text/html"),
    ];

    /// <summary>The portal: no key to load it; it asks for one and shows the caller's role its own page, calling the API with the key. Everything it uses is in the page.</summary>
    private static Task<IResult> GetAsync(HttpContext context)
    {
        context.Response.Headers["Content-Security-Policy"] = "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src 'self' data:";
        context.Response.Headers["Cache-Control"] = "no-cache";
        return Task.FromResult(Results.Text(s_page.Value, "text/html; charset=utf-8"));
    }
}

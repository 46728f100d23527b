using Trading.Functions.Hosting;
using Trading.Infra;

namespace Trading.Functions;

public static class HealthApi
{
    public static IEnumerable<FunctionDeclaration> Functions =>
    [
        new HttpFunction("Health", "GET", "health", GetAsync).Anonymous().Summary("Whether the server and its storage answer").Returns<HealthView>(),
    ];

    /// <summary>200 when storage answers; otherwise the storage fault becomes 503 in the one error mapping.</summary>
    private static async Task<IResult> GetAsync(HttpContext context)
    {
        await context.Service<StorageContext>().PingAsync(context.RequestAborted);
        return Json.Result(new HealthView("ok"));
    }
}

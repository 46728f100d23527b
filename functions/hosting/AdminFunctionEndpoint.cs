using Trading.Core;

namespace Trading.Functions.Hosting;

/// <summary>
/// <c>POST /admin/functions/{name}</c> with <c>{"input":""}</c>: runs a timer function now, as the Functions host's admin
/// API does, answering 202 once the run has finished with <c>{"logs":[...]}</c>. Loopback callers only (403 from anywhere
/// else), no API key. Standalone server only: under the Functions host, the host answers this route itself.
/// </summary>
public static class AdminFunctionEndpoint
{
    public static async Task<IResult> InvokeAsync(HttpContext context, string name)
    {
        var remote = context.Connection.RemoteIpAddress;
        if (remote is null || !System.Net.IPAddress.IsLoopback(remote))
            throw new ForbiddenException("Functions are run on demand from this machine only.");
        await Json.ReadOptionalBodyAsync<AdminInvocation>(context);
        var timer = FunctionCatalog.All.OfType<TimerFunction>().FirstOrDefault(f => f.Name == name)
                    ?? throw new NotFoundException($"No timer function {name}.");
        var logs = await context.Service<TimerRunner>().RunAsync(timer, context.RequestAborted);
        return Json.Result(new Dictionary<string, object?> { ["logs"] = logs }, 202);
    }

    /// <summary>The admin API's body: <c>{"input":""}</c> (a timer takes no input).</summary>
    public sealed class AdminInvocation
    {
        public string? Input { get; init; }
    }
}

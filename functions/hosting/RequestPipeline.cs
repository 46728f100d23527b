using System.Diagnostics;
using Microsoft.AspNetCore.Http.Features;
using Trading.Infra;

namespace Trading.Functions.Hosting;

/// <summary>
/// What runs around every HTTP function in both hosts: the Kestrel middleware (<see cref="ProblemsMiddleware"/>) and
/// the worker middleware (<see cref="WorkerPipelineMiddleware"/>) call this one implementation. It names the request by
/// its W3C trace id, makes sure the tables and rollups exist, and turns whatever the function throws into the problem
/// answer of <see cref="ProblemsMiddleware.ToProblem"/>. Strict JSON and the body limit are the handlers' own
/// (<see cref="Json"/>), key and Entra ID authentication too (<see cref="Authenticator"/>): the same code in both hosts.
/// </summary>
public static class RequestPipeline
{
    /// <param name="context">The request.</param>
    /// <param name="next">The function, including writing its answer.</param>
    /// <param name="logger">Where faults are logged.</param>
    public static async Task RunAsync(HttpContext context, Func<Task> next, ILogger logger)
    {
        // Under the worker, TraceIdentifier is Kestrel's connection id: the request's activity holds the W3C trace id.
        var activity = context.Features.Get<IHttpActivityFeature>()?.Activity ?? Activity.Current;
        context.TraceIdentifier = (activity?.TraceId ?? ActivityTraceId.CreateRandom()).ToHexString();
        // The storage requests made before the answer, and their round trips in series (StorageRequests.Answered).
        using var storageScope = context.RequestServices.GetRequiredService<StorageContext>().Requests.BeginScope(context.Request.Method + " " + context.Request.Path);
        try
        {
            await context.RequestServices.GetRequiredService<StorageContext>().EnsureCreatedAsync(context.RequestAborted);
            await context.RequestServices.GetRequiredService<RegionRollups>().StartAsync(context.RequestAborted);
            await next();
        }
        catch (Exception ex) when (!context.Response.HasStarted && (!context.RequestAborted.IsCancellationRequested || ex is BadHttpRequestException))
        {
            if (ProblemsMiddleware.IsMissingStore(ex)) context.RequestServices.GetRequiredService<StorageContext>().ForgetCreated();
            var problem = ProblemsMiddleware.ToProblem(ex, context, logger);
            await problem.ExecuteAsync(context);
            return;
        }
        // A refusal made by the framework rather than by us (405 from routing, for one) gets a problem body too.
        if (context.Response.StatusCode >= 400 && !context.Response.HasStarted && context.Response.ContentLength is null or 0
            && string.IsNullOrEmpty(context.Response.ContentType))
            await ProblemsMiddleware.Refusal(context).ExecuteAsync(context);
    }
}

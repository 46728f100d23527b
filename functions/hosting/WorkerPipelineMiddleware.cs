using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;

namespace Trading.Functions.Hosting;

/// <summary>
/// The worker's side of <see cref="RequestPipeline"/>. Under the Functions host no ASP.NET Core middleware runs around a
/// function (the worker's pipeline is fixed), and an exception that leaves the function never reaches ASP.NET Core: so
/// the function runs, and its <see cref="IResult"/> is written, inside the pipeline's <c>try</c>, here. Timer
/// invocations pass straight through.
/// </summary>
public sealed class WorkerPipelineMiddleware(ILogger<ProblemsMiddleware> logger) : IFunctionsWorkerMiddleware
{
    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        if (context.GetHttpContext() is not { } http)
        {
            await next(context);
            return;
        }
        await RequestPipeline.RunAsync(http, async () =>
        {
            await next(context);
            var invocation = context.GetInvocationResult();
            if (invocation.Value is IResult result)
            {
                // Written here, so that the worker's own HTTP middleware finds nothing left to write.
                invocation.Value = null;
                await result.ExecuteAsync(http);
            }
        }, logger);
    }
}

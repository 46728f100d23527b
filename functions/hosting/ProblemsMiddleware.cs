using Azure;
using Trading.Core;

namespace Trading.Functions.Hosting;

/// <summary>
/// The one place that turns exceptions into RFC 9457 problem answers: validation 400, too large 413, rule 422,
/// conflict 409, not found 404, key 401/403, storage down 503 with Retry-After. Anything else is a 500 that says nothing
/// of its insides.
/// </summary>
public sealed class ProblemsMiddleware(RequestDelegate next, ILogger<ProblemsMiddleware> logger)
{
    /// <summary>The standalone server's side of <see cref="RequestPipeline"/>.</summary>
    public Task InvokeAsync(HttpContext context) => RequestPipeline.RunAsync(context, () => next(context), logger);

    /// <summary>The problem answer to a refusal the framework made without a body (405 from routing, for one).</summary>
    public static IResult Refusal(HttpContext context) =>
        Json.Result(Problem(context, context.Response.StatusCode, ReasonFor(context.Response.StatusCode),
            $"{context.Request.Method} {context.Request.Path} was refused ({context.Response.StatusCode}).", new()),
            context.Response.StatusCode, "application/problem+json; charset=utf-8");

    private static string ReasonFor(int status) => Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status) is { Length: > 0 } r ? r + "." : "Refused.";

    /// <summary>A table or container that is gone (deleted under us): created again on the next request.</summary>
    public static bool IsMissingStore(Exception ex) =>
        ex is RequestFailedException { Status: 404, ErrorCode: "TableNotFound" or "ContainerNotFound" };

    public static IResult ToProblem(Exception ex, HttpContext context, ILogger logger)
    {
        var headers = new Dictionary<string, string>();
        var extensions = new Dictionary<string, object?>();
        int status;
        string title, detail;
        switch (ex)
        {
            case DomainException domain:
                status = domain switch
                {
                    ValidationException => 400,
                    UnauthenticatedException => 401,
                    ForbiddenException => 403,
                    NotFoundException => 404,
                    ConflictException => 409,
                    PayloadTooLargeException => 413,
                    RuleViolationException => 422,
                    TooManyRequestsException => 429,
                    _ => 500,
                };
                title = domain.Title;
                detail = domain.Message;
                if (domain is ValidationException validation) extensions["errors"] = validation.Errors;
                foreach (var (key, value) in domain.Extensions) extensions[key] = value;
                if (status == 401) headers["WWW-Authenticate"] = "ApiKey header=\"X-Api-Key\"";
                if (domain is TooManyRequestsException tooMany)
                    headers["Retry-After"] = Math.Max(1, (int)Math.Ceiling(tooMany.RetryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
                break;
            case BadHttpRequestException bad:
                // The request itself could not be read (broken chunking, a body sent too slowly): the client's fault, not storage's.
                status = bad.StatusCode is >= 400 and < 500 ? bad.StatusCode : 400;
                title = status == 408 ? "The request body came too slowly." : "The request could not be read.";
                detail = bad.Message;
                break;
            case UnavailableException unavailable:
                status = 503;
                title = "Storage is unavailable.";
                detail = unavailable.Message;
                headers["Retry-After"] = ((int)Math.Ceiling(unavailable.RetryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
                logger.LogWarning(ex, "503 on {Path}", context.Request.Path);
                break;
            case var _ when IsStorageFault(ex):
                Trading.Infra.Telemetry.StorageFaults.Add(1);
                status = 503;
                title = "Storage is unavailable.";
                detail = "The storage service did not answer in time. A write is recorded whole or not at all; retry later (a creating POST with the same Idempotency-Key, a state change as it was) to learn which.";
                headers["Retry-After"] = "5";
                logger.LogWarning("Storage fault on {Method} {Path}: {Error}", context.Request.Method, context.Request.Path, ex.Message);
                logger.LogDebug(ex, "Storage fault details");
                break;
            default:
                status = 500;
                title = "Internal error.";
                detail = "The server failed to handle the request. It has been logged.";
                logger.LogError(ex, "Unhandled error on {Method} {Path}", context.Request.Method, context.Request.Path);
                break;
        }
        return Json.Result(Problem(context, status, title, detail, extensions), status, "application/problem+json; charset=utf-8", headers);
    }

    private static ProblemView Problem(HttpContext context, int status, string title, string detail, Dictionary<string, object?> extensions)
    {
        var errors = extensions.Remove("errors", out var e) ? (IReadOnlyDictionary<string, string[]>?)e : null;
        return new ProblemView(TypeFor(status), title, status, detail, context.Request.Path.Value)
        {
            Errors = errors,
            TraceId = context.TraceIdentifier,
            Extensions = extensions.Count > 0 ? extensions : null,
        };
    }

    /// <summary>
    /// Storage did not answer, timed out, throttled, failed on its side, refused our credentials (403), lost a table
    /// (404), or a concurrent write won a race we do not retry (409/412): the caller should retry later. A request that
    /// could not be read is never a storage fault.
    /// </summary>
    public static bool IsStorageFault(Exception ex) => ex switch
    {
        BadHttpRequestException => false,
        RequestFailedException { Status: 404 } rfe => rfe.ErrorCode is "TableNotFound" or "ContainerNotFound",
        RequestFailedException rfe => rfe.Status is 0 or 401 or 403 or 408 or 409 or 412 or 429 or >= 500,
        AggregateException agg => agg.InnerExceptions.Count > 0 && agg.InnerExceptions.All(IsStorageFault),
        HttpRequestException or TimeoutException => true,
        OperationCanceledException => true,
        System.IO.IOException => true,
        _ => false,
    };

    private static string TypeFor(int status) => status switch
    {
        400 => "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.1",
        401 => "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.2",
        403 => "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.4",
        404 => "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.5",
        405 => "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.6",
        408 => "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.9",
        409 => "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.10",
        413 => "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.14",
        422 => "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.21",
        429 => "https://www.rfc-editor.org/rfc/rfc6585#section-4",
        503 => "https://www.rfc-editor.org/rfc/rfc9110#section-15.6.4",
        _ => "https://www.rfc-editor.org/rfc/rfc9110#section-15.6.1",
    };
}

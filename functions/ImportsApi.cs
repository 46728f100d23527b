using Microsoft.AspNetCore.Http.Features;
using Trading.Core;
using Trading.Core.Access;
using Trading.Functions.Hosting;
using Trading.Infra;

namespace Trading.Functions;

/// <summary>Bulk import of enterprises from CSV: 202 at once, then a job that writes the rows in the background; its progress is a resource.</summary>
public static class ImportsApi
{
    public const int MaxBodyBytes = 20 * 1024 * 1024;

    public static IEnumerable<FunctionDeclaration> Functions =>
    [
        new HttpFunction("ImportEnterprises", "POST", "imports/enterprises", ImportAsync).Accepts("text/csv").Returns<ImportStartedView>(202).Idempotent(),
        new HttpFunction("GetImport", "GET", "imports/{id}", GetAsync).Returns<ImportView>(),
    ];

    /// <summary>
    /// Officials in scope and admin. The job's id is derived from the caller and its Idempotency-Key: the same key and
    /// file again answer the same job (nothing is written twice); the same key with another file is 422.
    /// </summary>
    private static async Task<IResult> ImportAsync(HttpContext context)
    {
        var caller = await context.CallerAsync(Role.Admin, Role.Official);
        var key = Writes.IdempotencyKey(context);
        if (context.Request.ContentType is not { } type || !type.StartsWith("text/csv", StringComparison.OrdinalIgnoreCase))
            throw ValidationException.For("body", "must be sent as text/csv (UTF-8)");
        if (context.Request.ContentLength > MaxBodyBytes) throw new PayloadTooLargeException(MaxBodyBytes);
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = MaxBodyBytes + 1;
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await context.Request.Body.ReadAsync(chunk, context.RequestAborted)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > MaxBodyBytes) throw new PayloadTooLargeException(MaxBodyBytes);
        }
        string csv;
        try { csv = new System.Text.UTF8Encoding(false, true).GetString(buffer.GetBuffer(), 0, (int)buffer.Length); }
        catch (System.Text.DecoderFallbackException) { throw ValidationException.For("body", "is not valid UTF-8"); }

        var id = "imp-" + Hashing.Sha256Hex(caller.Id + "\n" + key)[..24];
        var fingerprint = Hashing.Sha256Hex(csv);
        var (job, replayed) = await context.Service<EnterpriseImports>().StartAsync(id, caller, key, csv, fingerprint, context.TraceIdentifier, context.RequestAborted);
        var headers = new Dictionary<string, string> { ["Location"] = $"/api/imports/{id}" };
        if (replayed) headers["Idempotent-Replayed"] = "true";
        return Json.Result(new ImportStartedView(id, job.Done ? "done" : "running", job.Rows), 202, headers: headers);
    }

    private static async Task<IResult> GetAsync(HttpContext context)
    {
        var caller = await context.CallerAsync(Role.Admin, Role.Official);
        var id = context.Request.RouteValues["id"] as string ?? "";
        var job = await context.Service<EnterpriseImports>().GetAsync(id, context.RequestAborted);
        if (job is null || (caller.Role != Role.Admin && job.CreatedBy != caller.Id)) throw new NotFoundException($"No import {id} of yours.");
        return Json.Result(new ImportView(job.Id, job.Done ? "done" : "running", job.Rows, job.Processed, job.Created, job.Updated, job.Unchanged, job.Failed,
            job.Errors.OrderBy(e => e.Row).Select(e => new ImportRowErrorView(e.Row, e.Field, e.Message)).ToList()));
    }
}

/// <summary>Runs import jobs in the background, one at a time; at start it resumes the jobs a stop cut off.</summary>
public sealed class ImportWorker(StorageContext storage, EnterpriseImports imports, ILogger<ImportWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Imports a stopped instance left running resume once storage answers.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await storage.EnsureCreatedAsync(stoppingToken);
                await imports.ResumeAsync(stoppingToken);
                break;
            }
            catch (Exception ex) when (ProblemsMiddleware.IsStorageFault(ex) && !stoppingToken.IsCancellationRequested)
            {
                if (attempt == 1) logger.LogWarning("Resuming imports waits for storage ({Error})", ex.Message);
                await Task.Delay(TimeSpan.FromSeconds(2), stoppingToken);
            }
        }
        await foreach (var id in imports.Queue.ReadAllAsync(stoppingToken))
        {
            try { await imports.RunAsync(id, stoppingToken); }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogError(ex, "Import {Id} stopped; it resumes at the next start", id);
            }
        }
    }
}

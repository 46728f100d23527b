using Trading.Core.Access;
using Trading.Infra;

namespace Trading.Functions.Hosting;

public static class Audit
{
    /// <summary>
    /// Appends an accepted write to the audit trail. The write has already committed: if the trail cannot be written,
    /// the failure is logged as an error (for operators to replay from the ledger rows) and the caller still gets the
    /// true answer about its change.
    /// </summary>
    public static async Task RecordAsync(HttpContext context, Principal who, string action, string subject, object? details = null)
    {
        try
        {
            await context.Service<AuditLog>().AppendAsync(who, action, subject, context.TraceIdentifier, details, context.RequestAborted);
        }
        catch (Exception ex) when (ProblemsMiddleware.IsStorageFault(ex) && !context.RequestAborted.IsCancellationRequested)
        {
            context.Service<ILoggerFactory>().CreateLogger("Audit").LogError(ex, "Audit entry lost: {Who} {Action} {Subject}", who.Id, action, subject);
        }
    }
}

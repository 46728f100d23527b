using Trading.Core.Access;
using Trading.Infra;

namespace Trading.Functions.Hosting;

public static class Audit
{
    /// <summary>
    /// Records a write outside the markets (a key, an enterprise, a product) in the audit trail, after it committed; a
    /// change to a market writes its audit record in its own transaction instead. If the trail cannot be written, the
    /// failure is logged as an error and the caller still gets the true answer about its change.
    /// </summary>
    public static async Task RecordAsync(HttpContext context, Principal who, string action, string subject, object? details = null)
    {
        try
        {
            await context.Service<AuditTrail>().AppendAsync(who, action, subject, context.TraceIdentifier,
                details is null ? null : TradingJson.Serialize(details), context.RequestAborted);
        }
        catch (Exception ex) when (ProblemsMiddleware.IsStorageFault(ex) && !context.RequestAborted.IsCancellationRequested)
        {
            context.Service<ILoggerFactory>().CreateLogger("Audit").LogError(ex, "Audit entry lost: {Who} {Action} {Subject}", who.Id, action, subject);
        }
    }
}

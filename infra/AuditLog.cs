using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Azure;
using Azure.Storage.Blobs.Specialized;
using Trading.Core.Access;
using Trading.Core.Primitives;

namespace Trading.Infra;

/// <summary>
/// The append-only audit trail: one JSON line per accepted write, in append blobs
/// <c>audit/{yyyy}/{MM}/{dd}/{HH}-{instance}.jsonl</c> (China Standard Time hour, one blob per instance and hour, so that
/// no blob nears the 50,000-block limit of an append blob and instances never contend). Written after the change has
/// committed: the ledger rows themselves carry who recorded them, so a failed append is reported to the caller of
/// <see cref="AppendAsync"/>, never turned into a refusal of a change that is already recorded.
/// </summary>
public sealed class AuditLog(StorageContext storage, TimeProvider time)
{
    private readonly string _instance = Environment.MachineName.ToLowerInvariant() + "-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
    private readonly ConcurrentDictionary<string, Task> _created = new(StringComparer.Ordinal);

    public async Task AppendAsync(Principal who, string action, string subject, string? traceId, object? details, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var local = now.ToOffset(ReportingMonth.ChinaOffset);
        var name = string.Create(CultureInfo.InvariantCulture, $"{local:yyyy}/{local:MM}/{local:dd}/{local:HH}-{_instance}.jsonl");
        var blob = storage.Audit.GetAppendBlobClient(name);
        var created = _created.GetOrAdd(name, _ => blob.CreateIfNotExistsAsync(cancellationToken: CancellationToken.None));
        try { await created; }
        catch (RequestFailedException) { _created.TryRemove(name, out _); throw; }
        var line = TradingJson.Serialize(new { at = Timestamps.Format(now), who = who.Id, action, subject, traceId, details }) + "\n";
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(line));
        await blob.AppendBlockAsync(stream, cancellationToken: ct);
    }

    /// <summary>Every entry of a China-time day (all instances), oldest blob first; for audits and tests.</summary>
    public async Task<List<string>> ReadDayAsync(DateOnly day, CancellationToken ct)
    {
        var lines = new List<string>();
        var prefix = day.ToString("yyyy/MM/dd/", CultureInfo.InvariantCulture);
        await foreach (var item in storage.Audit.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, prefix, ct))
        {
            var content = await storage.Audit.GetBlobClient(item.Name).DownloadContentAsync(ct);
            lines.AddRange(content.Value.Content.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        }
        return lines;
    }
}

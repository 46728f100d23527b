using System.Globalization;
using System.Text;
using Azure;
using Azure.Data.Tables;
using Trading.Core.Access;
using Trading.Core.Ledger;
using Trading.Core.Primitives;

namespace Trading.Infra;

/// <summary>
/// The audit trail in blob storage. Every change to a market writes its audit records in its own transaction (rows
/// <c>audit:{n}</c> of the market's partition, numbered by the head); <see cref="CopyAsync"/> then moves them to blobs,
/// exactly once: a batch of one market's records goes to the block blob
/// <c>audit/{yyyy}/{MM}/{dd}/{market}-{first:D12}.jsonl</c> (China date of its first record), and the market's
/// <c>auditcursor</c> row then says how far the copy got. A copy that dies between the two rewrites the same blob (same
/// first record, same name) the next time, so no record is ever in two blobs; block blobs never meet an append blob's
/// 50,000-block limit. Writes outside markets (keys, enterprises, products) append their own one-record blob.
/// </summary>
public sealed class AuditTrail(StorageContext storage, TableLedger ledger, TimeProvider time)
{
    /// <summary>Records per blob at most.</summary>
    public const int BatchSize = 1000;

    /// <summary>Copies every market's new audit records to blobs; answers how many it copied.</summary>
    public async Task<long> CopyAsync(CancellationToken ct)
    {
        var markets = await ledger.MarketsAsync(RegionPrefix.All, ct);
        var copied = await Bounded.SelectAsync(markets, m => CopyMarketAsync(m, ct), 8, ct);
        return copied.Sum();
    }

    public async Task<long> CopyMarketAsync(MarketId market, CancellationToken ct)
    {
        long total = 0;
        while (true)
        {
            var head = await storage.Ledger.GetEntityIfExistsAsync<TableEntity>(market.Key, LedgerRows.Head, select: ["AuditCount"], cancellationToken: ct);
            var cursor = await storage.Ledger.GetEntityIfExistsAsync<TableEntity>(market.Key, LedgerRows.AuditCursor, cancellationToken: ct);
            var count = head.HasValue ? head.Value!.GetInt64("AuditCount") ?? 0 : 0;
            var done = cursor.HasValue ? cursor.Value!.GetInt64("Copied") ?? 0 : 0;
            if (done >= count) return total;

            var first = done + 1;
            var last = Math.Min(count, done + BatchSize);
            var filter = TableClient.CreateQueryFilter(
                $"PartitionKey eq {market.Key} and RowKey ge {LedgerRows.Audit(first)} and RowKey le {LedgerRows.Audit(last)}");
            var records = new List<AuditRecord>();
            await foreach (var row in storage.Ledger.QueryAsync<TableEntity>(filter, cancellationToken: ct)) records.Add(LedgerRows.ToAudit(market, row));
            if (records.Count == 0 || records[0].Number != first) return total; // not committed yet: next run

            var day = records[0].At.ToOffset(ReportingMonth.ChinaOffset);
            var name = string.Create(CultureInfo.InvariantCulture, $"{day:yyyy}/{day:MM}/{day:dd}/{market.Key}-{first:D12}.jsonl");
            var lines = string.Concat(records.Select(r => Line(r.At, r.Who, r.Action, r.Subject, r.TraceId, r.Details, market.Key, r.Number)));
            await storage.Audit.GetBlobClient(name).UploadAsync(BinaryData.FromString(lines), overwrite: true, ct);

            var next = new TableEntity(market.Key, LedgerRows.AuditCursor) { ["Copied"] = records[^1].Number, ["Blob"] = name };
            try
            {
                if (cursor.HasValue) await storage.Ledger.UpdateEntityAsync(next, cursor.Value!.ETag, TableUpdateMode.Replace, ct);
                else await storage.Ledger.AddEntityAsync(next, ct);
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412)
            {
                return total; // another copier moved the cursor: it wrote the same records under the same name
            }
            total += records.Count;
        }
    }

    /// <summary>A write outside the markets (a key, an enterprise, a product): its own one-record block blob, after it committed.</summary>
    public async Task AppendAsync(Principal who, string action, string subject, string? traceId, string? details, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var local = now.ToOffset(ReportingMonth.ChinaOffset);
        var name = string.Create(CultureInfo.InvariantCulture, $"{local:yyyy}/{local:MM}/{local:dd}/direct-{local:HHmmssfffffff}-{Guid.NewGuid():N}.jsonl");
        await storage.Audit.GetBlobClient(name).UploadAsync(BinaryData.FromString(Line(now, who.Id, action, subject, traceId, details, null, null)), overwrite: false, ct);
    }

    private static string Line(DateTimeOffset at, string who, string action, string subject, string? traceId, string? details, string? market, long? number)
    {
        var record = new Dictionary<string, object?>
        {
            ["at"] = Timestamps.Format(at),
            ["who"] = who,
            ["action"] = action,
            ["subject"] = subject,
            ["traceId"] = traceId,
            ["market"] = market,
            ["number"] = number,
            ["details"] = Details(details),
        };
        return TradingJson.Serialize(record) + "\n";
    }

    /// <summary>The answer the caller got, as JSON when it is JSON (it always is from an endpoint), else as text.</summary>
    private static object? Details(string? details)
    {
        if (string.IsNullOrEmpty(details)) return null;
        try { return Newtonsoft.Json.Linq.JToken.Parse(details); }
        catch (Newtonsoft.Json.JsonReaderException) { return details; }
    }

    /// <summary>Every record copied for a China-time day, in blob name order; for audits and tests.</summary>
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

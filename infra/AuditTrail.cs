using System.Globalization;
using System.Text;
using Azure;
using Azure.Data.Tables;
using Trading.Core.Access;
using Trading.Core.Ledger;
using Trading.Core.Primitives;

namespace Trading.Infra;

/// <summary>
/// The audit trail in blob storage. Every change written through the shell writes its audit records in its own
/// transaction (rows <c>audit:{n}</c> of its partition, numbered by the head) and marks its partition pending
/// (<see cref="AuditMarks"/>); <see cref="CopyAsync"/> then moves the records of marked partitions to blobs, exactly once:
/// a batch of one partition's records goes to the block blob <c>audit/{yyyy}/{MM}/{dd}/{market}-{first:D12}.jsonl</c>
/// (a market) or <c>{book}-{partition}-{first:D12}.jsonl</c> (another book), dated by the China date of its first record;
/// the partition's <c>auditcursor</c> row claims each range before it is copied and then says how far the copy got. A copy
/// that dies in between rewrites the same range under the same name the next time, so no record is ever in two blobs and
/// none is skipped; block blobs never meet an append blob's 50,000-block limit. Every book writes its audit records this way
/// (markets, banks' books, keys, enterprises, products, imports: <see cref="Books.All"/>).
/// </summary>
public sealed class AuditTrail(StorageContext storage, AuditMarks marks, TableLedger ledger, BankWriter banks)
{
    /// <summary>Records per blob at most.</summary>
    public const int BatchSize = 1000;

    private const string SweptRow = "swept";

    /// <summary>The partitions' <c>auditcursor</c> rows, as this process last knew them.</summary>
    private readonly OutboxCursor _cursors = new();

    /// <summary>
    /// Copies the new audit records of every partition with a pending mark (<see cref="AuditMarks"/>), never visiting an
    /// idle one; answers how many records it copied. The first run on storage written before the marks existed marks every
    /// market and bank once. With a <paramref name="budget"/>, one marked partition copied per step; the marks not reached stay for the next run.
    /// </summary>
    public async Task<long> CopyAsync(CancellationToken ct, TimerBudget? budget = null)
    {
        await SweepOnceAsync(ct);
        return await marks.CopyPendingAsync((book, partition) => CopyPartitionAsync(book, partition, ct), (book, partition) => UncopiedAsync(book, partition, ct), ct, budget);
    }

    /// <summary>True when the partition's head counts audit records beyond its cursor.</summary>
    private Task<bool> UncopiedAsync(string book, string partition, CancellationToken ct)
    {
        var layout = BookLayout.Of(book);
        return _cursors.UncopiedAsync(storage.BookTable(book), partition, layout.Head(partition), "AuditCount", layout.AuditCursor(partition), ct);
    }

    /// <summary>
    /// Marks every market and bank once, for records written before pending marks existed (then never again). The registers
    /// (keys, enterprises, products, imports: the rest of <see cref="Books.All"/>) need no sweep: they got audit rows together
    /// with their pending marks (every write through the shell marks its partition first, or a chunk of an import marks all
    /// of its firms), and <see cref="AuditMarks.PendingAsync"/> reads the marks of every book in <see cref="Books.All"/>.
    /// </summary>
    private async Task SweepOnceAsync(CancellationToken ct)
    {
        // Once this process has seen the sweep done it never looks again: the row is never deleted, and a partition written
        // since has its mark from its own write.
        if (_swept) return;
        var swept = await storage.AuditMarks.GetEntityIfExistsAsync<TableEntity>(SweptRow, SweptRow, select: ["RowKey"], cancellationToken: ct);
        if (swept.HasValue)
        {
            _swept = true;
            return;
        }
        var markets = await ledger.MarketsAsync(RegionPrefix.All, ct);
        await Bounded.SelectAsync(markets, async m => { await marks.MarkAsync(Books.Ledger, m.Key, ct); return 0; }, 8, ct);
        var bankIds = await banks.BanksAsync(ct);
        await Bounded.SelectAsync(bankIds, async b => { await marks.MarkAsync(Books.Loans, b.Value, ct); return 0; }, 8, ct);
        await storage.AuditMarks.UpsertEntityAsync(new TableEntity(SweptRow, SweptRow), TableUpdateMode.Replace, ct);
        _swept = true;
    }

    private volatile bool _swept;

    /// <summary>Copies one market's new records (see <see cref="CopyPartitionAsync"/>).</summary>
    public Task<long> CopyMarketAsync(MarketId market, CancellationToken ct) => CopyPartitionAsync(Books.Ledger, market.Key, ct);

    /// <summary>
    /// Copies one partition's new records. The range is claimed in the cursor (under If-Match) before it is uploaded, so two
    /// copiers at once (a lost timer lease) upload the same range under the same name, and the cursor moves past it once.
    /// </summary>
    public Task<long> CopyPartitionAsync(string book, string partition, CancellationToken ct)
    {
        var table = storage.BookTable(book);
        var layout = BookLayout.Of(book);
        return _cursors.CopyAsync(table, partition, layout.Head(partition), "AuditCount", layout.AuditCursor(partition), n => layout.Audit(partition, n), BatchSize,
            async (first, rows) =>
        {
            var records = rows.Select(row => LedgerRows.ToAudit(partition, row)).ToList();
            var day = records[0].At.ToOffset(ReportingMonth.ChinaOffset);
            var stem = book == Books.Ledger ? partition : book + "-" + partition;
            var name = string.Create(CultureInfo.InvariantCulture, $"{day:yyyy}/{day:MM}/{day:dd}/{stem}-{first:D12}.jsonl");
            var lines = string.Concat(records.Select(r => Line(r.At, r.Who, r.Action, r.Subject, r.TraceId, r.Details, book == Books.Ledger ? partition : null, r.Number,
                book == Books.Ledger ? null : stem)));
            await storage.Audit.GetBlobClient(name).UploadAsync(BinaryData.FromString(lines), overwrite: true, ct);
        }, storage.OutboxClaimLease, ct);
    }

    private static string Line(DateTimeOffset at, string who, string action, string subject, string? traceId, string? details, string? market, long? number,
        string? partition)
    {
        var record = new Dictionary<string, object?>
        {
            ["at"] = Timestamps.Format(at),
            ["who"] = who,
            ["action"] = action,
            ["subject"] = subject,
            ["traceId"] = traceId,
            ["market"] = market,
            ["partition"] = partition,
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

using System.Globalization;
using System.Threading.Channels;
using Azure;
using Azure.Data.Tables;
using CsvHelper;
using CsvHelper.Configuration;
using ValidationException = Trading.Core.ValidationException;
using Trading.Core;
using Trading.Core.Access;
using Trading.Core.Enterprises;

namespace Trading.Infra;

/// <summary>An import's progress as <c>GET /api/imports/{id}</c> shows it.</summary>
public sealed record ImportJob(string Id, string CreatedBy, string Fingerprint, bool Done, long Rows, long Processed, long Created, long Updated, long Failed,
    IReadOnlyList<(long Row, string Field, string Message)> Errors, long Unchanged = 0);

/// <summary>
/// Bulk import of enterprises from CSV (CsvHelper): the file is kept as a blob, the job's progress as a row, each bad row
/// as an error row; rows are written in chunks of <see cref="ChunkRows"/> through <see cref="IEnterpriseStore.PutManyAsync"/>
/// (no read before a write, by-region copies in transactions, bounded concurrency; a firm stored with the same fields is
/// counted unchanged and not written), and the progress saved after each chunk, so a job cut off by a restart resumes
/// where it stopped (<see cref="ResumeAsync"/>).
/// </summary>
public sealed class EnterpriseImports(StorageContext storage, IEnterpriseStore enterprises, TimeProvider time)
{
    public const int MaxRows = 50_000;
    public const int ChunkRows = 500;
    private const string JobRow = "job";
    private readonly Channel<string> _queue = Channel.CreateUnbounded<string>();

    public ChannelReader<string> Queue => _queue.Reader;

    /// <summary>
    /// Starts the import <paramref name="id"/> of this file, or answers the job already started under it (replayed). The
    /// job row is the claim: it is added (holding the file's fingerprint) before the file is stored, so of two requests
    /// racing with one key exactly one job exists, and only a request with the file whose fingerprint the row holds
    /// stores that file (the same bytes) and queues the job; another file is a 422 (key reused) and stores nothing.
    /// 400 for a file that is not such a CSV (checked before anything is written).
    /// </summary>
    public async Task<(ImportJob Job, bool Replayed)> StartAsync(string id, Principal caller, string csv, string fingerprint, CancellationToken ct)
    {
        if (await GetAsync(id, ct) is { } existing) return (await ReplayAsync(existing, csv, fingerprint, ct), true);
        var rows = Read(csv).Count();
        if (rows > MaxRows) throw ValidationException.For("body", $"an import has at most {MaxRows} rows; this one has {rows}");
        var job = new TableEntity(id, JobRow)
        {
            ["CreatedBy"] = caller.Id, ["Fingerprint"] = fingerprint, ["Role"] = caller.RoleName, ["Subject"] = caller.Subject, ["Rows"] = (long)rows, ["Processed"] = 0L,
            ["Created"] = 0L, ["Updated"] = 0L, ["Unchanged"] = 0L, ["Failed"] = 0L, ["Status"] = "running", ["StartedAt"] = time.GetUtcNow(),
        };
        try { await storage.Imports.AddEntityAsync(job, ct); }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            // Another request with this key added the job first: the same file replays it, another file is refused.
            return (await ReplayAsync((await GetAsync(id, ct))!, csv, fingerprint, ct), true);
        }
        // Claimed: the file is stored and the job queued even if the client goes away now (a replay would do it otherwise).
        await storage.Reports.GetBlobClient(FileBlob(id)).UploadAsync(BinaryData.FromString(csv), overwrite: true, CancellationToken.None);
        await _queue.Writer.WriteAsync(id, CancellationToken.None);
        return ((await GetAsync(id, ct))!, false);
    }

    /// <summary>
    /// The job already started under the key: 422 when it holds another file's fingerprint. Otherwise, when the request
    /// that added the job had not stored its file yet (still on its way, or cut off), this one stores the same bytes
    /// (only if absent) and queues the job, so the job never waits for a file that no request will bring.
    /// </summary>
    private async Task<ImportJob> ReplayAsync(ImportJob existing, string csv, string fingerprint, CancellationToken ct)
    {
        if (existing.Fingerprint != fingerprint)
            throw new RuleViolationException("This Idempotency-Key was already used with another file. Use a new key for a new import.", "Idempotency key reused.");
        var blob = storage.Reports.GetBlobClient(FileBlob(existing.Id));
        if (existing.Done || await blob.ExistsAsync(ct)) return existing;
        try
        {
            await blob.UploadAsync(BinaryData.FromString(csv),
                new Azure.Storage.Blobs.Models.BlobUploadOptions { Conditions = new Azure.Storage.Blobs.Models.BlobRequestConditions { IfNoneMatch = ETag.All } }, ct);
            await _queue.Writer.WriteAsync(existing.Id, ct);
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412) { /* stored by the request that started it */ }
        return existing;
    }

    private static string FileBlob(string id) => $"imports/{id}.csv";

    /// <summary>Queues every job that is still running (after a restart).</summary>
    public async Task ResumeAsync(CancellationToken ct)
    {
        await foreach (var e in storage.Imports.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"RowKey eq {JobRow} and Status eq {"running"}"), select: ["PartitionKey"], cancellationToken: ct))
            await _queue.Writer.WriteAsync(e.PartitionKey, ct);
    }

    /// <summary>Runs (or resumes) a job to its end.</summary>
    public async Task RunAsync(string id, CancellationToken ct)
    {
        var job = (await storage.Imports.GetEntityAsync<TableEntity>(id, JobRow, cancellationToken: ct)).Value;
        if (job.GetString("Status") != "running") return;
        var caller = Principal.TryCreate(job.GetString("Role"), job.GetString("Subject"), new FieldErrors())!;
        var csv = (await storage.Reports.GetBlobClient(FileBlob(id)).DownloadContentAsync(ct)).Value.Content.ToString();
        var processed = job.GetInt64("Processed") ?? 0;
        var (created, updated, failed) = (job.GetInt64("Created") ?? 0, job.GetInt64("Updated") ?? 0, job.GetInt64("Failed") ?? 0);
        var unchanged = job.GetInt64("Unchanged") ?? 0;
        var now = time.GetUtcNow();
        foreach (var chunk in Read(csv).Skip((int)processed).Chunk(ChunkRows))
        {
            // Validation and scope first (no storage), then one bulk write of the chunk's good rows.
            var parsed = chunk.Select((long Number, Enterprise? Enterprise, IReadOnlyList<(string, string)> Errors) (row) =>
            {
                var (enterprise, errors) = EnterpriseRow.Parse(row.Fields, now);
                if (enterprise is not null && !caller.GovernsRegion(enterprise.Region))
                    return (row.Number, null, [("region", $"region {enterprise.Region} is outside your scope ({caller.Subject})")]);
                return (row.Number, enterprise, errors);
            }).ToList();
            var good = parsed.Where(p => p.Enterprise is not null).ToList();
            var written = await enterprises.PutManyAsync(good.Select(p => p.Enterprise!).ToList(), existing =>
                caller.GovernsRegion(existing.Region) ? null : $"{existing.CreditCode} is registered in a region outside your scope.", ct);
            var byRow = good.Zip(written).ToDictionary(x => x.First.Number, x => x.Second);
            var outcomes = parsed.Select((long Number, PutOutcome Outcome, IReadOnlyList<(string, string)> errors) (p) => p.Enterprise is null ? (p.Number, PutOutcome.Refused, p.Errors)
                : byRow[p.Number] is { Outcome: PutOutcome.Refused } refused ? (p.Number, PutOutcome.Refused, [("creditCode", refused.Error!)])
                : (p.Number, byRow[p.Number].Outcome, (IReadOnlyList<(string, string)>)[])).ToList();
            var errorRows = outcomes.Where(o => o.Outcome == PutOutcome.Refused)
                .SelectMany(o => o.errors.Select((e, i) => new TableEntity(id, $"err:{o.Number:D6}:{i:D2}") { ["Row"] = o.Number, ["Field"] = e.Item1, ["Message"] = e.Item2 }))
                .ToList();
            foreach (var batch in errorRows.Chunk(100))
                await storage.Imports.SubmitTransactionAsync(batch.Select(e => new TableTransactionAction(TableTransactionActionType.UpsertReplace, e)), ct);
            processed += chunk.Length;
            created += outcomes.Count(o => o.Outcome == PutOutcome.Created);
            updated += outcomes.Count(o => o.Outcome == PutOutcome.Updated);
            unchanged += outcomes.Count(o => o.Outcome == PutOutcome.Unchanged);
            failed += outcomes.Count(o => o.Outcome == PutOutcome.Refused);
            job["Processed"] = processed;
            job["Unchanged"] = unchanged;
            job["Created"] = created;
            job["Updated"] = updated;
            job["Failed"] = failed;
            job = await Save(job, ct);
        }
        job["Status"] = "done";
        job["DoneAt"] = time.GetUtcNow();
        await Save(job, ct);
    }

    private async Task<TableEntity> Save(TableEntity job, CancellationToken ct)
    {
        var response = await storage.Imports.UpdateEntityAsync(job, job.ETag, TableUpdateMode.Replace, ct);
        job.ETag = response.Headers.ETag ?? ETag.All;
        return job;
    }

    public async Task<ImportJob?> GetAsync(string id, CancellationToken ct)
    {
        var found = await storage.Imports.GetEntityIfExistsAsync<TableEntity>(id, JobRow, cancellationToken: ct);
        if (!found.HasValue) return null;
        var job = found.Value!;
        var errors = new List<(long, string, string)>();
        await foreach (var e in storage.Imports.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {id} and RowKey ge {"err:"} and RowKey lt {"err;"}"), cancellationToken: ct))
            errors.Add((e.GetInt64("Row") ?? 0, e.GetString("Field"), e.GetString("Message")));
        return new ImportJob(id, job.GetString("CreatedBy"), job.GetString("Fingerprint"), job.GetString("Status") == "done", job.GetInt64("Rows") ?? 0, job.GetInt64("Processed") ?? 0,
            job.GetInt64("Created") ?? 0, job.GetInt64("Updated") ?? 0, job.GetInt64("Failed") ?? 0, errors, job.GetInt64("Unchanged") ?? 0);
    }

    public sealed record CsvRow(long Number, IReadOnlyDictionary<string, string?> Fields);

    /// <summary>The data rows (numbered from 1, the header not counted), fields by JSON name; 400 for an unknown or missing header.</summary>
    public static IEnumerable<CsvRow> Read(string csv)
    {
        using var reader = new StringReader(csv.TrimStart('\uFEFF'));
        using var parser = new CsvReader(reader, new CsvConfiguration(CultureInfo.InvariantCulture) { BadDataFound = null, MissingFieldFound = null, DetectColumnCountChanges = false });
        if (!parser.Read() || !parser.ReadHeader()) throw ValidationException.For("body", "a header row is required");
        var header = parser.HeaderRecord!;
        var names = new string[header.Length];
        for (var i = 0; i < header.Length; i++)
            names[i] = EnterpriseRow.Headers.TryGetValue(header[i].Trim(), out var name) ? name
                : throw ValidationException.For("body", $"unknown column \"{header[i]}\"; the columns are {string.Join(",", EnterpriseRow.Headers.Keys.Take(8))} or their Chinese names");
        if (!names.Contains("creditCode")) throw ValidationException.For("body", "the column creditCode (统一社会信用代码) is required");
        long number = 0;
        while (parser.Read())
        {
            number++;
            var fields = new Dictionary<string, string?>(StringComparer.Ordinal);
            for (var i = 0; i < names.Length; i++) fields[names[i]] = parser.TryGetField<string>(i, out var v) ? v : null;
            yield return new CsvRow(number, fields);
        }
    }
}

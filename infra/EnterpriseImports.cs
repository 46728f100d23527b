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
using Trading.Core.Registers;
using Trading.Core.Writes;

namespace Trading.Infra;

/// <summary>An import's progress as <c>GET /api/imports/{id}</c> shows it.</summary>
public sealed record ImportJob(string Id, string CreatedBy, string Fingerprint, bool Done, long Rows, long Processed, long Created, long Updated, long Failed,
    IReadOnlyList<(long Row, string Field, string Message)> Errors, long Unchanged = 0);

/// <summary>
/// Bulk import of enterprises from CSV (CsvHelper): the file is kept as a blob named by its fingerprint, the job as a row
/// created by the use case <see cref="StartImport"/> on the book <see cref="Books.Imports"/> (under the caller's
/// idempotency key, with its audit record), each bad row as an error row. Rows are written in chunks of
/// <see cref="ChunkRows"/> through <see cref="IEnterpriseStore.PutManyAsync"/>: each firm through the enterprises' use case
/// (its row and its audit record in one transaction; a firm stored with the same fields is counted unchanged and not
/// written), with bounded concurrency. The progress is saved on the job's row after each chunk (a counter of what the
/// commits did, not a change of the register: no audit record), so a job cut off by a restart resumes where it stopped
/// (<see cref="ResumeAsync"/>); the rows it had committed before the stop are then unchanged.
/// </summary>
public sealed class EnterpriseImports
{
    public const int MaxRows = 50_000;
    public const int ChunkRows = 500;
    private const string JobRow = StartImport.JobRow;
    private readonly Channel<string> _queue = Channel.CreateUnbounded<string>();
    private readonly StorageContext storage;
    private readonly IEnterpriseStore enterprises;
    private readonly TimeProvider time;
    private readonly WriteShell<RegisterReads, RegisterSnapshot<ImportJobStarted>> _shell;

    public EnterpriseImports(StorageContext storage, IEnterpriseStore enterprises, KeyBindings bindings, AuditMarks auditMarks,
        Microsoft.Extensions.Logging.ILogger<EnterpriseImports> logger, TimeProvider time)
    {
        this.storage = storage;
        this.enterprises = enterprises;
        this.time = time;
        _shell = new(Books.Imports, new TableRegisterRows<ImportJobStarted>(storage, Books.Imports, ToJob), bindings,
            new RegisterHooks(Books.Imports, storage, auditMarks, logger), time);
    }

    public ChannelReader<string> Queue => _queue.Reader;

    /// <summary>
    /// Parses the header and counts the rows (400 for a file that is not such a CSV), stores the file under its fingerprint,
    /// and starts the job through <see cref="StartImport"/> (a replay of the same key and file answers the same job and
    /// queues nothing new; the same key with another file is 422), then queues it.
    /// </summary>
    public async Task<(ImportJob Job, bool Replayed)> StartAsync(string id, Principal caller, string idempotencyKey, string csv, string fingerprint, string? traceId,
        CancellationToken ct)
    {
        var rows = Read(csv).Count();
        if (rows > MaxRows) throw ValidationException.For("body", $"an import has at most {MaxRows} rows; this one has {rows}");
        await storage.Reports.GetBlobClient(FileName(id, fingerprint)).UploadAsync(BinaryData.FromString(csv), overwrite: true, ct);
        var outcome = await _shell.ExecuteAsync(new StartImport(id, fingerprint, rows), caller, idempotencyKey, j => TradingJson.Serialize(new { id = j.Id, rows = j.Rows }),
            traceId, ct);
        var job = (await GetAsync(id, ct))!;
        // Queued again on a replay while it runs (its first start may have lost its answer before it was queued): the worker
        // runs one job at a time, and a job already done returns at once.
        if (!job.Done) await _queue.Writer.WriteAsync(id, ct);
        return (job, outcome.Replayed);
    }

    /// <summary>The stored file of a job: named by its fingerprint, so two files sent under one key never overwrite each other.</summary>
    private static string FileName(string id, string fingerprint) => $"imports/{id}-{fingerprint[..32]}.csv";

    internal static TableEntity JobEntity(ImportJobStarted job) => new(job.Id, JobRow)
    {
        ["CreatedBy"] = job.Caller.Id, ["Fingerprint"] = job.Fingerprint, ["Role"] = job.Caller.RoleName, ["Subject"] = job.Caller.Subject, ["Rows"] = job.Rows,
        ["Processed"] = 0L, ["Created"] = 0L, ["Updated"] = 0L, ["Unchanged"] = 0L, ["Failed"] = 0L, ["Status"] = "running", ["StartedAt"] = job.StartedAt,
    };

    private static ImportJobStarted ToJob(TableEntity e) => new(e.PartitionKey, Principal.TryCreate(e.GetString("Role"), e.GetString("Subject"), new FieldErrors())!,
        e.GetString("Fingerprint"), e.GetInt64("Rows") ?? 0, e.GetDateTimeOffset("StartedAt") ?? DateTimeOffset.MinValue);

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
        var csv = (await storage.Reports.GetBlobClient(FileName(id, job.GetString("Fingerprint"))).DownloadContentAsync(ct)).Value.Content.ToString();
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
            var written = await enterprises.PutManyAsync(good.Select(p => p.Enterprise!).ToList(), caller, put => TradingJson.Serialize(new { import = id, creditCode = put.Enterprise.CreditCode.Value, name = put.Enterprise.Name, region = put.Enterprise.Region.Value, industry = put.Enterprise.Industry.ToString(), grade = put.Enterprise.Grade.ToString(), gradeValidUntil = put.Enterprise.GradeValidUntil?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), positiveList = put.Enterprise.PositiveList, creditRating = put.Enterprise.CreditRating.ToString() }),
                id, ct);
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

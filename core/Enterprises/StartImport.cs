using Trading.Core.Access;
using Trading.Core.Ledger;
using Trading.Core.Registers;
using Trading.Core.Writes;

namespace Trading.Core.Enterprises;

/// <summary>
/// An import job as its start creates it: who started it (the rows are written with that caller's scope), which file
/// (its fingerprint names the stored file) and how many rows. The worker records its progress on the job's row.
/// </summary>
public sealed record ImportJobStarted(string Id, Principal Caller, string Fingerprint, long Rows, DateTimeOffset StartedAt) : IRow
{
    public TResult Accept<TResult>(IRowVisitor<TResult> visitor) => visitor.Visit(this);
}

/// <summary>
/// Starts an import of enterprises (officials, admin): creates the job under the caller's idempotency key, in the job's
/// own partition. The same key and file again replay the start (no second job, no second audit record); the same key with
/// another file is 422. Each row is then written through <see cref="PutEnterprise"/> with the caller's scope.
/// </summary>
public sealed record StartImport(string Id, string FileFingerprint, long Rows) : IRegisterUseCase<ImportJobStarted, ImportJobStarted>
{
    /// <summary>The job row's id in its partition.</summary>
    public const string JobRow = "job";

    public string Partition => Id;
    public string Action => "import.started";
    public string? Fingerprint => Hashing.Sha256Hex("import\n" + FileFingerprint);
    public IReadOnlyCollection<string> Ids => [JobRow];

    public Decision<ImportJobStarted> Decide(RegisterSnapshot<ImportJobStarted> snapshot, UseCaseContext context)
    {
        if (context.Caller.Role is not (Role.Admin or Role.Official)) throw new ForbiddenException("Only officials and admin import enterprises.");
        // A job without its idempotency record was started before imports ran on the shell: the same file is that start.
        if (snapshot.Find(JobRow) is { } started)
            return started.Fingerprint == FileFingerprint ? Decision<ImportJobStarted>.Unchanged(started) : throw UseCaseRunner.KeyReused();
        var job = new ImportJobStarted(Id, context.Caller, FileFingerprint, Rows, context.Now);
        return new Decision<ImportJobStarted>(job, [RowChange.New(job)], null, [new AuditEntry(Action, Id)]) { ResourceId = Id };
    }
}

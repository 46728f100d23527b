using Trading.Core.Access;
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

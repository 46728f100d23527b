using Trading.Core.Writes;

namespace Trading.Core.Ledger;

/// <summary>
/// The audit record of one accepted change, written in the change's own transaction (numbered per partition by the head's
/// audit count) and copied to the blob trail afterwards. <see cref="Partition"/> is the partition key of the change (a
/// market's key, a bank's id, ...). <see cref="Details"/> is the answer the caller got (JSON).
/// </summary>
public sealed record AuditRecord(string Partition, long Number, string Action, string Subject, string Who, DateTimeOffset At,
    string? TraceId, string? Details) : IRow
{
    public TResult Accept<TResult>(IRowVisitor<TResult> visitor) => visitor.Visit(this);
}

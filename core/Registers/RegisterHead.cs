using Trading.Core.Writes;

namespace Trading.Core.Registers;

/// <summary>
/// The head of one partition of a register (keys, an enterprise, a bank's products, an import job): it numbers the
/// partition's audit records (and its events, and the items a register numbers itself, as alerts), and every change writes
/// it (under If-Match), so changes to the partition are serialised.
/// </summary>
public sealed record RegisterHead(long AuditCount = 0, long EventCount = 0, long Numbered = 0) : IHead
{
    public static RegisterHead Empty { get; } = new();

    public IHead WithAuditCount(long auditCount) => this with { AuditCount = auditCount };

    public IHead WithEventCount(long eventCount) => this with { EventCount = eventCount };

    public TResult Accept<TResult>(IRowVisitor<TResult> visitor) => visitor.Visit(this);
}

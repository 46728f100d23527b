using Trading.Core.Writes;

namespace Trading.Core.Loans;

/// <summary>A bank's book head: the counters that number its applications, loans and audit records (every change writes it).</summary>
public sealed record BankHead(long Applications, long Loans, long AuditCount = 0, long EventCount = 0) : IHead
{
    public static BankHead Empty { get; } = new(0, 0);

    public IHead WithAuditCount(long auditCount) => this with { AuditCount = auditCount };

    public IHead WithEventCount(long eventCount) => this with { EventCount = eventCount };

    public TResult Accept<TResult>(IRowVisitor<TResult> visitor) => visitor.Visit(this);
}

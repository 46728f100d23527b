namespace Trading.Core.Writes;

/// <summary>
/// The head row of a partition that takes writes: every change writes it (under If-Match), so changes to one partition
/// are serialised, and it numbers the partition's audit records.
/// </summary>
public interface IHead : IRow
{
    long AuditCount { get; }

    IHead WithAuditCount(long auditCount);
}

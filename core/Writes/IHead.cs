namespace Trading.Core.Writes;

/// <summary>
/// The head row of a partition that takes writes: every change writes it (under If-Match), so changes to one partition
/// are serialised, and it numbers the partition's audit records and events.
/// </summary>
public interface IHead : IRow
{
    long AuditCount { get; }

    long EventCount { get; }

    IHead WithAuditCount(long auditCount);

    IHead WithEventCount(long eventCount);
}

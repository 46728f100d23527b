namespace Trading.Infra;

/// <summary>Pending audit marks: the partitions whose audit records <see cref="AuditTrail"/> has yet to copy to blobs (see <see cref="PendingMarks"/>).</summary>
public sealed class AuditMarks(StorageContext storage, TimeProvider time) : PendingMarks(storage.AuditMarks, time)
{
    public const string Ledger = Books.Ledger;
    public const string Loans = Books.Loans;
}

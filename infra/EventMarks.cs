namespace Trading.Infra;

/// <summary>Pending event marks: the partitions whose events <see cref="EventOutbox"/> has yet to copy to the queue and the inboxes (see <see cref="PendingMarks"/>).</summary>
public sealed class EventMarks(StorageContext storage, TimeProvider time) : PendingMarks(storage.EventMarks, time);

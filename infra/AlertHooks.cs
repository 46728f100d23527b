using Azure.Data.Tables;
using Trading.Core.Alerts;
using Trading.Core.Ledger;
using Trading.Core.Writes;

namespace Trading.Infra;

/// <summary>
/// What a write to the alerts book does around its commit: what every register does (<see cref="RegisterHooks"/>: the
/// pending audit mark, the pending event mark of a step that tells firms), and, before a commit that leaves an alert with
/// firms still to tell (declared, or lifted), the alert's notice mark (table <c>alertnotices</c>), so the notifier finds it.
/// The mark is an upsert: a lift renews the mark of an alert whose declaration the notifier is finishing, whose delete
/// under If-Match then fails.
/// </summary>
public sealed class AlertHooks(RegisterHooks inner, StorageContext storage) : IWriteHooks
{
    public const string PendingPartition = "pending";

    public IDisposable? Trace(string action, string partition) => inner.Trace(action, partition);

    public void Retried(string action) => inner.Retried(action);

    public IWriteEffects Start(string partition) => new Effects(inner.Start(partition), storage);

    /// <summary>Whether some firm of the alert's region is still to be told of it.</summary>
    public static bool Pending(Alert alert) => !alert.Notices.DeclaredDone || (alert.Lifted && !alert.Notices.LiftedDone);

    private sealed class Effects(IWriteEffects inner, StorageContext storage) : IWriteEffects
    {
        public async Task BeforeCommitAsync(IReadOnlyList<RowChange> changes, CancellationToken ct)
        {
            var marks = changes.Select(c => c.Row).OfType<Alert>().Where(Pending)
                .Select(a => storage.AlertNotices.UpsertEntityAsync(new TableEntity(PendingPartition, a.Id), TableUpdateMode.Replace, ct));
            await Task.WhenAll(marks.Append(inner.BeforeCommitAsync(changes, ct)));
        }

        public Task AfterCommitAsync(string action, IReadOnlyList<RowChange> changes, CancellationToken ct) => inner.AfterCommitAsync(action, changes, ct);
    }
}

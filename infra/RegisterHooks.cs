using Azure;
using Microsoft.Extensions.Logging;
using Trading.Core.Enterprises;
using Trading.Core.Finance;
using Trading.Core.Ledger;
using Trading.Core.Writes;

namespace Trading.Infra;

/// <summary>
/// What a write to a register (keys, enterprises, products, imports) does around its commit. Before, for every register:
/// the partition's pending audit mark (so the copier moves its audit records to blobs). Enterprises: the firm's loan-match
/// dirty mark and its grade's expiry day, written before its row changes; after the commit the by-region copy (and the
/// old region's copy removed when the firm moved) and the dirty mark touched again. Products: the product's dirty mark
/// before, touched after. A register written in bulk (an import: <paramref name="bulk"/>) writes the marks and copies
/// per chunk instead, around all the chunk's commits (<see cref="EnterpriseRegister"/>): here only the audit mark is
/// skipped too, since the chunk writes it.
/// </summary>
public sealed class RegisterHooks(string book, StorageContext storage, AuditMarks auditMarks, ILogger logger, bool bulk = false, EventMarks? eventMarks = null)
    : IWriteHooks
{
    private readonly string _book = book;
    private readonly StorageContext _storage = storage;
    private readonly AuditMarks _auditMarks = auditMarks;
    private readonly ILogger _logger = logger;
    private readonly bool _bulk = bulk;
    private readonly EventMarks? _eventMarks = eventMarks;

    public IDisposable? Trace(string action, string partition)
    {
        var activity = Telemetry.Source.StartActivity(_book + ".write " + action);
        activity?.SetTag("trading.partition", partition);
        return activity;
    }

    public IWriteEffects Start(string partition) => new Effects(this, partition);

    public void Retried(string action) => Telemetry.Retries.Add(1, new KeyValuePair<string, object?>("trading.action", action));

    private sealed class Effects(RegisterHooks hooks, string partition) : IWriteEffects
    {
        public async Task BeforeCommitAsync(IReadOnlyList<RowChange> changes, CancellationToken ct)
        {
            // No register sends events yet; one that does is given the event marks (its events are never left unmarked).
            if (changes.Any(c => c.Row is EventRecord))
                await (hooks._eventMarks ?? throw new InvalidOperationException($"the {hooks._book} register sends events without event marks")).MarkAsync(hooks._book, partition, ct);
            if (hooks._bulk) return;
            var auditMarking = hooks._auditMarks.MarkAsync(hooks._book, partition, ct);
            try
            {
                foreach (var change in changes)
                {
                    switch (change.Row)
                    {
                        case RegisteredEnterprise e:
                            await MatchMarks.MarkAsync(hooks._storage, [MatchMarks.Firm(e.Enterprise.CreditCode.Value)], ct);
                            await MatchMarks.ExpiriesAsync(hooks._storage, [e.Enterprise], ct);
                            break;
                        case LoanProduct p:
                            await MatchMarks.MarkAsync(hooks._storage, [MatchMarks.Product(p.Key)], ct);
                            break;
                    }
                }
            }
            finally
            {
                await auditMarking.ContinueWith(_ => { }, TaskScheduler.Default);
            }
            await auditMarking;
        }

        public async Task AfterCommitAsync(string action, IReadOnlyList<RowChange> changes, CancellationToken ct)
        {
            if (hooks._bulk) return;
            await MarketHooks.AuditMarkAfterCommitAsync(hooks._auditMarks, hooks._book, partition);
            try
            {
                foreach (var change in changes)
                {
                    switch (change.Row)
                    {
                        case RegisteredEnterprise e:
                            await TableEnterpriseStore.CopyByRegionAsync(hooks._storage, [e], ct);
                            await MatchMarks.MarkAsync(hooks._storage, [MatchMarks.Firm(e.Enterprise.CreditCode.Value)], ct);
                            break;
                        case LoanProduct p:
                            await MatchMarks.MarkAsync(hooks._storage, [MatchMarks.Product(p.Key)], ct);
                            break;
                    }
                }
            }
            catch (Exception ex) when (StorageFault.Is(ex))
            {
                // Committed: the answer stays true (also when the client went away). A stale by-region copy is repaired by the firm's next PUT or import.
                hooks._logger.LogWarning(ex, "After {Action} committed in {Partition}: a copy or mark was not written", action, partition);
            }
        }
    }
}

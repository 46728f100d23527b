using Azure.Data.Tables;
using Trading.Core.Ledger;
using Trading.Core.Registers;
using Trading.Core.Writes;

namespace Trading.Infra;

/// <summary>
/// A register on Table Storage (port of the shell): keys, enterprises, products or import jobs, each partition with its
/// head, audit and idempotency rows (<see cref="BookLayout.Register"/>). A load is parallel point reads (a key's id is a
/// range of its hash), a commit one entity-group transaction with If-Match on every row that was read.
/// </summary>
public sealed class TableRegisterRows<TItem>(StorageContext storage, string book, Func<TableEntity, TItem> toItem,
    Func<TableClient, string, string, CancellationToken, Task<TableEntity?>>? readItem = null) : IPartitionRows<RegisterReads, RegisterSnapshot<TItem>>
    where TItem : class
{
    private static readonly BookLayout Layout = BookLayout.Register;
    private readonly TableClient _table = storage.BookTable(book);

    public string Book { get; } = book;

    public RegisterReads HeadOnly => RegisterReads.HeadOnly;

    public bool Covers(RegisterSnapshot<TItem> snapshot, RegisterReads reads) => reads.Ids.All(snapshot.Items.ContainsKey);

    public RegisterReads Union(RegisterReads first, RegisterReads second) => new(first.Ids.Union(second.Ids, StringComparer.Ordinal).ToList());

    private async Task<TableEntity?> ReadAsync(string partition, string rowKey, CancellationToken ct)
    {
        var r = await _table.GetEntityIfExistsAsync<TableEntity>(partition, rowKey, cancellationToken: ct);
        return r.HasValue ? r.Value : null;
    }

    public async Task<RegisterSnapshot<TItem>> LoadAsync(string partition, RegisterReads reads, string? callerKeyHash, RegisterSnapshot<TItem>? loaded,
        CancellationToken ct)
    {
        var snapshot = loaded ?? new RegisterSnapshot<TItem>(partition);
        var head = loaded is null ? ReadAsync(partition, Layout.Head(partition), ct) : Task.FromResult<TableEntity?>(null);
        var idem = callerKeyHash is null || snapshot.Idempotency is not null ? Task.FromResult<TableEntity?>(null) : ReadAsync(partition, Layout.Idempotency(callerKeyHash), ct);
        var items = reads.Ids.Distinct(StringComparer.Ordinal).Where(id => !snapshot.Items.ContainsKey(id))
            .Select(id => (id, readItem is null ? ReadAsync(partition, id, ct) : readItem(_table, partition, id, ct))).ToList();
        await Task.WhenAll(items.Select(i => i.Item2).Append(head).Append(idem));
        var all = new Dictionary<string, Versioned<TItem>>(snapshot.Items, StringComparer.Ordinal);
        foreach (var (id, task) in items)
            all[id] = task.Result is { } e ? new Versioned<TItem>(toItem(e), e.ETag.ToString()) : new Versioned<TItem>(null!, null);
        return snapshot with
        {
            Head = loaded is not null ? snapshot.Head
                : head.Result is { } h ? new Versioned<RegisterHead>(new RegisterHead(h.GetInt64("AuditCount") ?? 0, h.GetInt64("EventCount") ?? 0, h.GetInt64("Numbered") ?? 0), h.ETag.ToString())
                : new Versioned<RegisterHead>(RegisterHead.Empty, null),
            Items = all,
            Idempotency = snapshot.Idempotency ?? (idem.Result is { } i ? LedgerRows.ToIdempotency(callerKeyHash!, i) : null),
            IdempotencyVersion = snapshot.Idempotency is not null ? snapshot.IdempotencyVersion : idem.Result?.ETag.ToString(),
        };
    }

    public async Task<bool> TryCommitAsync(string partition, IReadOnlyList<RowChange> changes, CancellationToken ct)
    {
        var actions = changes.Select(c => RegisterEntities.Action(partition, c)).ToList();
        LedgerRows.RequireOnePartition(actions);
        try
        {
            await _table.SubmitTransactionAsync(actions, ct);
            return true;
        }
        catch (TableTransactionFailedException ex) when (ex.Status is 412 or 409)
        {
            return false;
        }
    }
}

using Azure;
using Azure.Data.Tables;
using Trading.Core.Enterprises;
using Trading.Core.Finance;
using Trading.Core.Keys;
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
        var head = loaded is null ? ReadAsync(partition, Layout.Head, ct) : Task.FromResult<TableEntity?>(null);
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
                : head.Result is { } h ? new Versioned<RegisterHead>(new RegisterHead(h.GetInt64("AuditCount") ?? 0, h.GetInt64("EventCount") ?? 0), h.ETag.ToString())
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

/// <summary>The entity of each kind of row of a register's partition (keys, enterprises, products, import jobs).</summary>
internal sealed class RegisterEntities(string partition) : IRowVisitor<TableEntity>
{
    private static readonly BookLayout Layout = BookLayout.Register;

    public static TableTransactionAction Action(string partition, RowChange change)
    {
        var entity = change.Row.Accept(new RegisterEntities(partition));
        if (entity.PartitionKey != partition) throw new InvalidOperationException("a register's transaction never spans partitions");
        return change.IfMatch is { } etag
            ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, entity, new ETag(etag))
            : new TableTransactionAction(TableTransactionActionType.Add, entity);
    }

    public TableEntity Visit(IdempotencyRecord row) => new(partition, Layout.Idempotency(row.CallerKeyHash))
    {
        ["Fingerprint"] = row.Fingerprint, ["ResourceId"] = row.ResourceId, ["Answer"] = row.Answer,
    };

    public TableEntity Visit(AuditRecord row)
    {
        var entity = LedgerRows.AuditEntity(row);
        entity.RowKey = Layout.Audit(row.Number);
        return entity;
    }

    public TableEntity Visit(RegisterHead row) => new(partition, Layout.Head) { ["AuditCount"] = row.AuditCount, ["EventCount"] = row.EventCount };
    public TableEntity Visit(EventRecord row) => LedgerRows.EventEntity(row, Layout);
    public TableEntity Visit(ApiKey row) => ApiKeyStore.Entity(row);
    public TableEntity Visit(RegisteredEnterprise row) => TableEnterpriseStore.ProfileEntity(row.Enterprise);
    public TableEntity Visit(LoanProduct row) => ProductStore.ToEntity(row);
    public TableEntity Visit(ImportJobStarted row) => EnterpriseImports.JobEntity(row);

    public TableEntity Visit(MarketHead row) => throw NotOfBook(row);
    public TableEntity Visit(Core.Ledger.Holding row) => throw NotOfBook(row);
    public TableEntity Visit(MonthCounter row) => throw NotOfBook(row);
    public TableEntity Visit(DayCounter row) => throw NotOfBook(row);
    public TableEntity Visit(Core.Ledger.Trade row) => throw NotOfBook(row);
    public TableEntity Visit(TradeProposal row) => throw NotOfBook(row);
    public TableEntity Visit(Pledge row) => throw NotOfBook(row);
    public TableEntity Visit(Core.Ledger.Allocation row) => throw NotOfBook(row);
    public TableEntity Visit(Core.Market.Listing row) => throw NotOfBook(row);
    public TableEntity Visit(Core.Market.Auction row) => throw NotOfBook(row);
    public TableEntity Visit(Core.Market.Bid row) => throw NotOfBook(row);
    public TableEntity Visit(Core.Loans.BankHead row) => throw NotOfBook(row);
    public TableEntity Visit(Core.Loans.LoanApplication row) => throw NotOfBook(row);
    public TableEntity Visit(Core.Loans.Loan row) => throw NotOfBook(row);

    private static InvalidOperationException NotOfBook(object row) => new($"a {row.GetType().Name} is not a row of a register");
}

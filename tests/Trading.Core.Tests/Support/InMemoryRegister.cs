using Trading.Core.Access;
using Trading.Core.Ledger;
using Trading.Core.Registers;
using Trading.Core.Writes;

namespace Trading.Core.Tests.Support;

/// <summary>
/// One partition of a register (keys, an enterprise, a bank's products, an import job) in memory with versions, committed
/// the way the storage port does (every change under If-Match or as a create, all or nothing), under the real
/// <see cref="WriteShell{TReads,TSnapshot}"/>. <paramref name="itemOf"/> maps a written row to the item and its row key;
/// <paramref name="answers"/> says whether a stored item answers to a requested id (a key's id is a prefix of its hash).
/// </summary>
public sealed class InMemoryRegister<TItem>(string book, Func<IRow, (string Key, TItem Item)?> itemOf, Func<string, TItem, string, bool>? answers = null)
    : IPartitionRows<RegisterReads, RegisterSnapshot<TItem>> where TItem : class
{
    private int _version;
    private readonly Dictionary<string, Dictionary<string, (IRow Row, string Version)>> _partitions = new(StringComparer.Ordinal);

    public InMemoryKeyBindings Bindings { get; } = new();

    /// <summary>Every commit's changes, in order.</summary>
    public List<IReadOnlyList<RowChange>> Commits { get; } = [];

    /// <summary>Commits that the port refuses before it accepts one (a lost race).</summary>
    public int LoseNextCommits { get; set; }

    /// <summary>A commit that succeeds in storage but whose answer is lost: the shell sees a failure (and loads again).</summary>
    public int LoseNextAnswers { get; set; }

    private Dictionary<string, (IRow Row, string Version)> Rows(string partition) =>
        _partitions.TryGetValue(partition, out var rows) ? rows : _partitions[partition] = new(StringComparer.Ordinal);

    public IEnumerable<AuditRecord> Audit(string partition) => Rows(partition).Values.Select(r => r.Row).OfType<AuditRecord>().OrderBy(a => a.Number);

    public IEnumerable<TItem> Items(string partition) =>
        Rows(partition).Values.Select(r => itemOf(r.Row)).Where(i => i is not null).Select(i => i!.Value.Item);

    public RegisterHead Head(string partition) => Rows(partition).TryGetValue("~head", out var h) ? (RegisterHead)h.Row : RegisterHead.Empty;

    public RegisterReads HeadOnly => RegisterReads.HeadOnly;

    public bool Covers(RegisterSnapshot<TItem> snapshot, RegisterReads reads) => reads.Ids.All(snapshot.Items.ContainsKey);

    public RegisterReads Union(RegisterReads first, RegisterReads second) => new(first.Ids.Union(second.Ids).ToList());

    public Task<RegisterSnapshot<TItem>> LoadAsync(string partition, RegisterReads reads, string? callerKeyHash, RegisterSnapshot<TItem>? loaded, CancellationToken ct)
    {
        var rows = Rows(partition);
        Versioned<TItem> Find(string id)
        {
            foreach (var (key, (row, version)) in rows)
                if (itemOf(row) is { } item && (answers?.Invoke(id, item.Item, key) ?? key == id)) return new(item.Item, version);
            return new(null!, null);
        }
        var idem = callerKeyHash is not null && rows.TryGetValue("~idem:" + callerKeyHash, out var i) ? i : default;
        return Task.FromResult(new RegisterSnapshot<TItem>(partition)
        {
            Head = rows.TryGetValue("~head", out var h) ? new((RegisterHead)h.Row, h.Version) : new(RegisterHead.Empty, null),
            Items = reads.Ids.Distinct().ToDictionary(id => id, Find),
            Idempotency = idem.Row as IdempotencyRecord,
            IdempotencyVersion = idem.Row is null ? null : idem.Version,
        });
    }

    private string KeyOf(IRow row) => row switch
    {
        RegisterHead => "~head",
        AuditRecord a => "~audit:" + a.Number,
        EventRecord e => "~event:" + e.Number,
        IdempotencyRecord r => "~idem:" + r.CallerKeyHash,
        _ => itemOf(row)?.Key ?? throw new InvalidOperationException($"a {row.GetType().Name} is not a row of {book}"),
    };

    public Task<bool> TryCommitAsync(string partition, IReadOnlyList<RowChange> changes, CancellationToken ct)
    {
        if (LoseNextCommits > 0)
        {
            LoseNextCommits--;
            return Task.FromResult(false);
        }
        var rows = Rows(partition);
        foreach (var c in changes)
        {
            var exists = rows.TryGetValue(KeyOf(c.Row), out var current);
            if (c.IfMatch is null ? exists : !exists || current.Version != c.IfMatch) return Task.FromResult(false);
        }
        foreach (var c in changes) rows[KeyOf(c.Row)] = (c.Row, "v" + ++_version);
        Commits.Add(changes);
        if (LoseNextAnswers > 0)
        {
            LoseNextAnswers--;
            return Task.FromResult(false);
        }
        return Task.FromResult(true);
    }

    /// <summary>Runs a use case through the real shell on this store.</summary>
    public WriteOutcome<T> Run<T>(IRegisterUseCase<TItem, T> useCase, Principal caller, string? idempotencyKey = null, DateTimeOffset? now = null) =>
        new WriteShell<RegisterReads, RegisterSnapshot<TItem>>(book, this, Bindings, NoHooks.Instance, new FixedTime(now ?? DateTimeOffset.UnixEpoch), TestEvents.Renderer)
            .ExecuteAsync(useCase, caller, idempotencyKey, a => "answer:" + a, null, CancellationToken.None).GetAwaiter().GetResult();
}

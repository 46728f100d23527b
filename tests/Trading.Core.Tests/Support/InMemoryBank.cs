using Trading.Core.Access;
using Trading.Core.Ledger;
using Trading.Core.Loans;
using Trading.Core.Writes;

namespace Trading.Core.Tests.Support;

/// <summary>
/// One bank's book in memory with versions, committed as the storage port does: all or nothing, under If-Match: the banks'
/// port (<see cref="IPartitionRows{TReads,TSnapshot}"/>) with no I/O, under the real <see cref="WriteShell{TReads,TSnapshot}"/>.
/// </summary>
public sealed class InMemoryBank(BankId bank) : IPartitionRows<BankReads, BankSnapshot>
{
    private int _version;
    private readonly Dictionary<string, (IRow Row, string Version)> _rows = new(StringComparer.Ordinal);
    private IReadOnlyList<RowChange> _lastCommit = [];

    public BankId Bank { get; } = bank;
    public int Commits { get; private set; }
    public InMemoryKeyBindings Bindings { get; } = new();

    public IEnumerable<T> All<T>() => _rows.Values.Select(r => r.Row).OfType<T>();
    public LoanApplication? Application(long n) => _rows.TryGetValue("app:" + n, out var r) ? (LoanApplication)r.Row : null;
    public Loan? Loan(long n) => _rows.TryGetValue("loan:" + n, out var r) ? (Loan)r.Row : null;

    private static string KeyOf(IRow row) => row switch
    {
        BankHead => "head",
        LoanApplication a => "app:" + a.Number,
        Loan l => "loan:" + l.Number,
        IdempotencyRecord r => "idem:" + r.CallerKeyHash,
        AuditRecord a => "audit:" + a.Number,
        EventRecord e => "event:" + e.Number,
        _ => throw new InvalidOperationException($"a {row.GetType().Name} is not a row of a bank's book"),
    };

    /// <summary>Writes a row as another instance (or an earlier step) would, outside any use case.</summary>
    public void Overwrite(IRow row) => _rows[KeyOf(row)] = (row, "v" + ++_version);

    private Versioned<T> Read<T>(string key, T absent) => _rows.TryGetValue(key, out var r) ? new((T)r.Row, r.Version) : new(absent, null);

    public BankSnapshot Load(BankReads reads, string? callerKeyHash) => new(Bank)
    {
        Head = Read("head", BankHead.Empty),
        Applications = reads.Applications.Distinct().ToDictionary(n => n, n => Read<LoanApplication>("app:" + n, null!)),
        Loans = reads.Loans.Distinct().ToDictionary(n => n, n => Read<Loan>("loan:" + n, null!)),
        Idempotency = callerKeyHash is not null && _rows.TryGetValue("idem:" + callerKeyHash, out var r) ? (IdempotencyRecord)r.Row : null,
        IdempotencyVersion = callerKeyHash is not null && _rows.TryGetValue("idem:" + callerKeyHash, out var v) ? v.Version : null,
    };

    public BankReads HeadOnly => BankReads.HeadOnly;

    public bool Covers(BankSnapshot snapshot, BankReads reads) =>
        reads.Applications.All(snapshot.Applications.ContainsKey) && reads.Loans.All(snapshot.Loans.ContainsKey);

    public BankReads Union(BankReads first, BankReads second) => new(first.Applications.Union(second.Applications).ToList(), first.Loans.Union(second.Loans).ToList());

    public Task<BankSnapshot> LoadAsync(string partition, BankReads reads, string? callerKeyHash, BankSnapshot? loaded, CancellationToken ct) =>
        Task.FromResult(Load(reads, callerKeyHash));

    public Task<bool> TryCommitAsync(string partition, IReadOnlyList<RowChange> changes, CancellationToken ct)
    {
        if (partition != Bank.Value) throw new InvalidOperationException("a transaction never spans partitions");
        foreach (var c in changes)
        {
            var exists = _rows.TryGetValue(KeyOf(c.Row), out var current);
            if (c.IfMatch is null ? exists : !exists || current.Version != c.IfMatch) return Task.FromResult(false);
        }
        foreach (var c in changes) _rows[KeyOf(c.Row)] = (c.Row, "v" + ++_version);
        _lastCommit = changes;
        Commits++;
        return Task.FromResult(true);
    }

    /// <summary>
    /// Runs a use case through the real shell on this book; <see cref="UseCaseContext.CallerKeyHash"/> is used as the caller's
    /// key. Answers what the shell committed, as a decision: a replay carries the stored record.
    /// </summary>
    public Decision<T> Run<T>(IBankUseCase<T> useCase, UseCaseContext context)
    {
        _lastCommit = [];
        return ShellRun.Run("loans", this, Bindings, useCase, context, () => _lastCommit, All<IdempotencyRecord>);
    }
}

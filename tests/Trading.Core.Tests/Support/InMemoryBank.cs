using Trading.Core.Access;
using Trading.Core.Ledger;
using Trading.Core.Loans;

namespace Trading.Core.Tests.Support;

/// <summary>One bank's book in memory with versions, committed as the bank shell does: all or nothing, under If-Match.</summary>
public sealed class InMemoryBank(BankId bank)
{
    private int _version;
    private readonly Dictionary<string, (object Row, string Version)> _rows = new(StringComparer.Ordinal);

    public BankId Bank { get; } = bank;
    public int Commits { get; private set; }

    public IEnumerable<T> All<T>() => _rows.Values.Select(r => r.Row).OfType<T>();
    public LoanApplication? Application(long n) => _rows.TryGetValue("app:" + n, out var r) ? (LoanApplication)r.Row : null;
    public Loan? Loan(long n) => _rows.TryGetValue("loan:" + n, out var r) ? (Loan)r.Row : null;

    private static string KeyOf(object row) => row switch
    {
        BankHead => "head",
        LoanApplication a => "app:" + a.Number,
        Loan l => "loan:" + l.Number,
        IdempotencyRecord r => "idem:" + r.CallerKeyHash,
        _ => throw new InvalidOperationException(row.GetType().Name),
    };

    private Versioned<T> Read<T>(string key, T absent) => _rows.TryGetValue(key, out var r) ? new((T)r.Row, r.Version) : new(absent, null);

    public BankSnapshot Load(BankReads reads, string? callerKeyHash) => new(Bank)
    {
        Head = Read("head", BankHead.Empty),
        Applications = reads.Applications.Distinct().ToDictionary(n => n, n => Read<LoanApplication>("app:" + n, null!)),
        Loans = reads.Loans.Distinct().ToDictionary(n => n, n => Read<Loan>("loan:" + n, null!)),
        Idempotency = callerKeyHash is null ? null : _rows.TryGetValue("idem:" + callerKeyHash, out var r) ? (IdempotencyRecord)r.Row : null,
    };

    /// <summary>Runs a use case as the shell does: load, decide, commit all or nothing; a replay answers the stored record.</summary>
    public Decision<T> Run<T>(IBankUseCase<T> useCase, UseCaseContext context)
    {
        var decision = BankUseCaseRunner.Run(useCase, Load(useCase.Reads, context.CallerKeyHash), context);
        if (decision.Replayed is not null || decision.WritesNothing) return decision;
        decision = UseCaseRunner.WithAnswer(decision, "answer");
        foreach (var c in decision.Changes)
        {
            var exists = _rows.TryGetValue(KeyOf(c.Row), out var current);
            if (c.IfMatch is null ? exists : !exists || current.Version != c.IfMatch) throw new InvalidOperationException("lost a race in a single-threaded test");
        }
        foreach (var c in decision.Changes) _rows[KeyOf(c.Row)] = (c.Row, "v" + ++_version);
        Commits++;
        return decision;
    }
}

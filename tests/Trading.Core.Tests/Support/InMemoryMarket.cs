using Trading.Core;
using Trading.Core.Finance;
using Trading.Core.Ledger;
using Trading.Core.Market;
using Trading.Core.Primitives;
using Trading.Core.Writes;

namespace Trading.Core.Tests.Support;

/// <summary>
/// One market's rows in memory with versions, committed the way the storage port does: every change under If-Match
/// (or as a create), all or nothing: the ledger's port (<see cref="IPartitionRows{TReads,TSnapshot}"/>) with no I/O, under
/// the real <see cref="WriteShell{TReads,TSnapshot}"/>.
/// </summary>
public sealed class InMemoryMarket(MarketId market) : IPartitionRows<MarketReads, MarketSnapshot>
{
    private int _version;
    private readonly Dictionary<string, (object Row, string Version)> _rows = new(StringComparer.Ordinal);

    public MarketId Market { get; } = market;
    public HashSet<ReportingMonth> ClosedMonths { get; } = [];

    public T? Get<T>(string key) where T : class => _rows.TryGetValue(key, out var r) ? (T)r.Row : null;
    public Holding Holding(Holder h) => Get<Holding>("holding:" + h) ?? Ledger.Holding.Empty(h);
    public MarketHead Head => Get<MarketHead>("head") ?? MarketHead.Empty;
    public IEnumerable<T> All<T>() => _rows.Values.Select(r => r.Row).OfType<T>();
    public TradeProposal Proposal(long n) => Get<TradeProposal>("proposal:" + n)!;
    public Pledge Pledge(long n) => Get<Pledge>("pledge:" + n)!;
    public Listing Listing(long n) => Get<Listing>("listing:" + n)!;
    public Auction Auction(long n) => Get<Auction>("auction:" + n)!;

    public static string KeyOf(MarketId market, object row) => row switch
    {
        MarketHead => "head",
        Holding h => "holding:" + h.Holder,
        MonthCounter m => "month:" + m.Month,
        Trade t => "trade:" + t.Sequence,
        TradeProposal p => "proposal:" + p.Number,
        Pledge p => "pledge:" + p.Number,
        Allocation a => "alloc:" + a.Number,
        IdempotencyRecord r => "idem:" + r.CallerKeyHash,
        DayCounter d => "day:" + d.Day.ToString("yyyy-MM-dd"),
        Listing l => "listing:" + l.Number,
        Auction a => "auction:" + a.Number,
        Bid b => $"bid:{b.Auction}:{b.Bidder}",
        AuditRecord a => "audit:" + a.Number,
        EventRecord e => "event:" + e.Number,
        _ => throw new InvalidOperationException(row.GetType().Name),
    };

    private Versioned<T> Read<T>(string key, T absent) => _rows.TryGetValue(key, out var r) ? new((T)r.Row, r.Version) : new(absent, null);

    /// <summary>The changes of the last commit (what the shell wrote).</summary>
    public IReadOnlyList<RowChange> LastCommit { get; private set; } = [];

    /// <summary>Commits that the port refuses before it accepts one (a lost race, as another instance would cause it).</summary>
    public int LoseNextCommits { get; set; }

    /// <summary>What another instance writes when a commit is lost (run once per lost commit).</summary>
    public Action<InMemoryMarket>? OnLostCommit { get; set; }

    /// <summary>Writes a row as another instance would (a new version), outside any use case.</summary>
    public void Overwrite(IRow row) => _rows[KeyOf(Market, row)] = (row, "v" + ++_version);

    public MarketReads HeadOnly => MarketReads.HeadOnly;

    public bool Covers(MarketSnapshot snapshot, MarketReads reads) => snapshot.Covers(reads);

    public MarketReads Union(MarketReads first, MarketReads second) => first.Union(second);

    public Task<MarketSnapshot> LoadAsync(string partition, MarketReads reads, string? callerKeyHash, MarketSnapshot? loaded, CancellationToken ct) =>
        Task.FromResult(Load(reads, callerKeyHash));

    public Task<bool> TryCommitAsync(string partition, IReadOnlyList<RowChange> changes, CancellationToken ct)
    {
        if (partition != Market.Key) throw new InvalidOperationException("a transaction never spans partitions");
        if (LoseNextCommits > 0)
        {
            LoseNextCommits--;
            OnLostCommit?.Invoke(this);
            return Task.FromResult(false);
        }
        return Task.FromResult(TryCommit(changes));
    }

    public MarketSnapshot Load(MarketReads reads, string? callerKeyHash) => MarketSnapshot.Empty(Market) with
    {
        Head = Read("head", MarketHead.Empty),
        Holdings = reads.Holders.Distinct().ToDictionary(h => h, h => Read("holding:" + h, Ledger.Holding.Empty(h))),
        Months = reads.Months.Distinct().ToDictionary(m => m, m => Read("month:" + m, MonthCounter.Empty(m))),
        Proposals = reads.Proposals.Distinct().ToDictionary(n => n, n => Read<TradeProposal>("proposal:" + n, null!)),
        Pledges = reads.Pledges.Distinct().ToDictionary(n => n, n => Read<Pledge>("pledge:" + n, null!)),
        Allocations = reads.Allocations.Distinct().ToDictionary(n => n, n => Read<Allocation>("alloc:" + n, null!)),
        Trades = reads.Trades.Distinct().Where(n => _rows.ContainsKey("trade:" + n)).ToDictionary(n => n, n => Get<Trade>("trade:" + n)!),
        Days = reads.Days.Distinct().ToDictionary(d => d, d => Read("day:" + d.ToString("yyyy-MM-dd"), DayCounter.Empty(d))),
        Listings = reads.Listings.Distinct().ToDictionary(n => n, n => Read<Listing>("listing:" + n, null!)),
        Auctions = reads.Auctions.Distinct().ToDictionary(n => n, n => Read<Auction>("auction:" + n, null!)),
        Bids = reads.Bids.Distinct().ToDictionary(k => k, k => Read<Bid>($"bid:{k.Auction}:{k.Bidder}", null!)),
        BidsOf = reads.BidsOf.Distinct().ToDictionary(n => n, n => (IReadOnlyList<Versioned<Bid>>)_rows.Values.Where(r => r.Row is Bid b && b.Auction == n)
            .Select(r => new Versioned<Bid>((Bid)r.Row, r.Version)).ToList()),
        PriceDays = reads.PriceDays is { } w ? All<DayCounter>().Where(d => d.Day >= w.From && d.Day <= w.To).ToList() : null,
        Idempotency = callerKeyHash is null ? null : Get<IdempotencyRecord>("idem:" + callerKeyHash),
        IdempotencyVersion = callerKeyHash is not null && _rows.TryGetValue("idem:" + callerKeyHash, out var idem) ? idem.Version : null,
        ClosedMonths = new HashSet<ReportingMonth>(ClosedMonths),
    };

    /// <summary>Loads what the use case reads, in as many steps as it needs.</summary>
    public MarketSnapshot Snapshot<T>(IMarketUseCase<T> useCase, UseCaseContext context)
    {
        var reads = useCase.Reads(null, context);
        var snapshot = Load(reads, context.CallerKeyHash);
        for (var i = 0; i < 3 && !snapshot.Covers(useCase.Reads(snapshot, context)); i++)
            snapshot = Load(reads = reads.Union(useCase.Reads(snapshot, context)), context.CallerKeyHash);
        return snapshot;
    }

    /// <summary>Commits all changes or none: false when a row changed since it was read (a 412).</summary>
    public bool TryCommit(IReadOnlyList<RowChange> changes)
    {
        foreach (var c in changes)
        {
            var key = KeyOf(Market, c.Row);
            var exists = _rows.TryGetValue(key, out var current);
            if (c.IfMatch is null ? exists : !exists || current.Version != c.IfMatch) return false;
        }
        foreach (var c in changes) _rows[KeyOf(Market, c.Row)] = (c.Row, "v" + ++_version);
        LastCommit = changes;
        return true;
    }

    /// <summary>The key bindings of this test's shell.</summary>
    public InMemoryKeyBindings Bindings { get; } = new();

    /// <summary>
    /// Runs a use case through the real shell on this store; the caller's idempotency key is <see cref="UseCaseContext.CallerKeyHash"/>
    /// (used as the key itself). Answers what the shell committed, as a decision: a replay carries the stored record; a
    /// refusal after a commit throws.
    /// </summary>
    public Decision<T> Run<T>(IMarketUseCase<T> useCase, UseCaseContext context)
    {
        LastCommit = [];
        return ShellRun.Run("ledger", this, Bindings, useCase, context, () => LastCommit, All<IdempotencyRecord>);
    }
}

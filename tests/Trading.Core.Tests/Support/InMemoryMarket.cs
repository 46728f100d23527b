using Trading.Core;
using Trading.Core.Finance;
using Trading.Core.Ledger;
using Trading.Core.Market;
using Trading.Core.Primitives;

namespace Trading.Core.Tests.Support;

/// <summary>
/// One market's rows in memory with versions, committed the way the storage port does: every change under If-Match
/// (or as a create), all or nothing. Runs use cases exactly as the shell does (load, run, commit), with no I/O.
/// </summary>
public sealed class InMemoryMarket(MarketId market)
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
        _ => throw new InvalidOperationException(row.GetType().Name),
    };

    private Versioned<T> Read<T>(string key, T absent) => _rows.TryGetValue(key, out var r) ? new((T)r.Row, r.Version) : new(absent, null);

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
        return true;
    }

    /// <summary>Runs a use case as the shell does: a replay answers the stored answer; a refusal after commit throws.</summary>
    public Decision<T> Run<T>(IMarketUseCase<T> useCase, UseCaseContext context)
    {
        var decision = UseCaseRunner.Run(useCase, Snapshot(useCase, context), context);
        if (decision.Replayed is not null || decision.WritesNothing) return decision;
        decision = UseCaseRunner.WithAnswer(decision, "answer");
        if (!TryCommit(decision.Changes)) throw new InvalidOperationException("lost a race in a single-threaded test");
        if (decision.Refusal is { } refusal) throw refusal;
        return decision;
    }
}

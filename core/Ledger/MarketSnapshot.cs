using Trading.Core.Finance;
using Trading.Core.Market;
using Trading.Core.Primitives;
using Trading.Core.Writes;

namespace Trading.Core.Ledger;

/// <summary>
/// The rows of one market that a use case read, each with its version, and which of the months it asked about are
/// closed (or being closed) for every market. A use case decides from this alone; asking it for a row it did not load
/// is a programming error.
/// </summary>
public sealed record MarketSnapshot(MarketId Market) : ISnapshot
{
    public Versioned<MarketHead> Head { get; init; } = new(MarketHead.Empty, null);
    public IReadOnlyDictionary<Holder, Versioned<Holding>> Holdings { get; init; } = new Dictionary<Holder, Versioned<Holding>>();
    public IReadOnlyDictionary<ReportingMonth, Versioned<MonthCounter>> Months { get; init; } = new Dictionary<ReportingMonth, Versioned<MonthCounter>>();
    public IReadOnlyDictionary<long, Versioned<TradeProposal>> Proposals { get; init; } = new Dictionary<long, Versioned<TradeProposal>>();
    public IReadOnlyDictionary<long, Versioned<Pledge>> Pledges { get; init; } = new Dictionary<long, Versioned<Pledge>>();
    public IReadOnlyDictionary<long, Versioned<Allocation>> Allocations { get; init; } = new Dictionary<long, Versioned<Allocation>>();
    public IReadOnlyDictionary<long, Trade> Trades { get; init; } = new Dictionary<long, Trade>();
    public IReadOnlyDictionary<DateOnly, Versioned<DayCounter>> Days { get; init; } = new Dictionary<DateOnly, Versioned<DayCounter>>();
    public IReadOnlyDictionary<long, Versioned<Listing>> Listings { get; init; } = new Dictionary<long, Versioned<Listing>>();
    public IReadOnlyDictionary<long, Versioned<Auction>> Auctions { get; init; } = new Dictionary<long, Versioned<Auction>>();
    public IReadOnlyDictionary<(long Auction, Holder Bidder), Versioned<Bid>> Bids { get; init; } = new Dictionary<(long, Holder), Versioned<Bid>>();

    /// <summary>Every bid of an auction, as read (for its settlement).</summary>
    public IReadOnlyDictionary<long, IReadOnlyList<Versioned<Bid>>> BidsOf { get; init; } = new Dictionary<long, IReadOnlyList<Versioned<Bid>>>();

    /// <summary>The day counters of the window asked for (days without trades are absent).</summary>
    public IReadOnlyList<DayCounter>? PriceDays { get; init; }

    /// <summary>The caller's idempotency record in this market, when the use case runs under a key and one exists.</summary>
    public IdempotencyRecord? Idempotency { get; init; }

    /// <summary>The version of <see cref="Idempotency"/> (a fence is replaced under If-Match).</summary>
    public string? IdempotencyVersion { get; init; }

    IHead ISnapshot.CurrentHead => Head.Value;
    string? ISnapshot.HeadVersion => Head.Version;

    /// <summary>Months (among those read) that are closed or being closed: no trade may land in them.</summary>
    public IReadOnlySet<ReportingMonth> ClosedMonths { get; init; } = new HashSet<ReportingMonth>();

    public Versioned<Holding> Holding(Holder holder) => Holdings.TryGetValue(holder, out var h) ? h : throw NotLoaded($"holding of {holder}");

    public Versioned<MonthCounter> Month(ReportingMonth month) => Months.TryGetValue(month, out var m) ? m : throw NotLoaded($"month {month}");

    public Versioned<DayCounter> Day(DateOnly day) => Days.TryGetValue(day, out var d) ? d : throw NotLoaded($"day {day:yyyy-MM-dd}");

    /// <summary>A month takes no trade once closed: flagged on its row, or closing for every market (closes table).</summary>
    public bool IsClosed(ReportingMonth month) => ClosedMonths.Contains(month) || Month(month).Value.Closed;

    /// <summary>
    /// The snapshot with the holdings, months and days of <paramref name="changes"/> written over it, each keeping the
    /// version it was read with: for a decision that settles several trades on the same rows in one transaction.
    /// </summary>
    public MarketSnapshot Apply(IEnumerable<RowChange> changes)
    {
        var holdings = new Dictionary<Holder, Versioned<Holding>>(Holdings);
        var months = new Dictionary<ReportingMonth, Versioned<MonthCounter>>(Months);
        var days = new Dictionary<DateOnly, Versioned<DayCounter>>(Days);
        foreach (var change in changes)
        {
            switch (change.Row)
            {
                case Holding h: holdings[h.Holder] = new Versioned<Holding>(h, Holdings[h.Holder].Version); break;
                case MonthCounter m: months[m.Month] = new Versioned<MonthCounter>(m, Months[m.Month].Version); break;
                case DayCounter d: days[d.Day] = new Versioned<DayCounter>(d, Days[d.Day].Version); break;
            }
        }
        return this with { Holdings = holdings, Months = months, Days = days };
    }

    /// <summary>True when every row of <paramref name="reads"/> is in this snapshot.</summary>
    public bool Covers(MarketReads reads) =>
        reads.Holders.All(Holdings.ContainsKey) && reads.Months.All(Months.ContainsKey) && reads.Proposals.All(Proposals.ContainsKey)
        && reads.Pledges.All(Pledges.ContainsKey) && reads.Allocations.All(Allocations.ContainsKey)
        && reads.Trades.All(n => Trades.ContainsKey(n) || n <= 0) && reads.Days.All(Days.ContainsKey) && reads.Listings.All(Listings.ContainsKey)
        && reads.Auctions.All(Auctions.ContainsKey) && reads.Bids.All(Bids.ContainsKey) && reads.BidsOf.All(BidsOf.ContainsKey)
        && (reads.PriceDays is null || PriceDays is not null);

    private static InvalidOperationException NotLoaded(string what) => new($"the use case did not load the {what}");

    /// <summary>A market with nothing in it yet (for tests and the first write).</summary>
    public static MarketSnapshot Empty(MarketId market) => new(market);
}

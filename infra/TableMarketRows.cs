using System.Collections.Concurrent;
using Azure;
using Azure.Data.Tables;
using Trading.Core.Finance;
using Trading.Core.Ledger;
using Trading.Core.Market;
using Trading.Core.Primitives;
using Trading.Core.Writes;

namespace Trading.Infra;

/// <summary>
/// The ledger's storage port on Table Storage: one partition per market; a load is parallel point reads, a commit one
/// entity-group transaction with If-Match on every row that was read (Add for rows that were absent).
/// </summary>
public sealed class TableMarketRows(StorageContext storage, TimeProvider time) : IPartitionRows<MarketReads, MarketSnapshot>
{
    public MarketReads HeadOnly => MarketReads.HeadOnly;

    public bool Covers(MarketSnapshot snapshot, MarketReads reads) => snapshot.Covers(reads);

    public MarketReads Union(MarketReads first, MarketReads second) => first.Union(second);

    public Task<MarketSnapshot> LoadAsync(string partition, MarketReads reads, string? callerKeyHash, MarketSnapshot? loaded, CancellationToken ct) =>
        LoadAsync(MarketOf(partition), reads, callerKeyHash, loaded, ct);

    public Task<bool> TryCommitAsync(string partition, IReadOnlyList<RowChange> changes, CancellationToken ct) => TryCommitAsync(MarketOf(partition), changes, ct);

    private static MarketId MarketOf(string partition) =>
        MarketId.TryParse(partition, out var market) ? market.Value : throw new InvalidOperationException($"{partition} is not a market's partition");

    private readonly ConcurrentDictionary<ReportingMonth, bool> _closedMonths = new();

    public async Task<MarketSnapshot> LoadAsync(MarketId market, MarketReads reads, string? callerKeyHash, MarketSnapshot? loaded, CancellationToken ct)
    {
        var pk = market.Key;
        var snapshot = loaded ?? MarketSnapshot.Empty(market);
        // The head is read once: a second step keeps the version of the first (the commit checks it).
        var head = loaded is null ? Read(pk, LedgerRows.Head, ct) : Task.FromResult<TableEntity?>(null);
        var idem = callerKeyHash is null || snapshot.Idempotency is not null ? null : Read(pk, LedgerRows.Idempotency(callerKeyHash), ct);
        var holdings = Missing(reads.Holders, snapshot.Holdings).Select(h => (h, Read(pk, LedgerRows.Holding(h), ct))).ToList();
        var months = Missing(reads.Months, snapshot.Months).Select(m => (m, Read(pk, LedgerRows.Month(m), ct))).ToList();
        var proposals = Missing(reads.Proposals, snapshot.Proposals).Select(n => (n, Read(pk, LedgerRows.Proposal(n), ct))).ToList();
        var pledges = Missing(reads.Pledges, snapshot.Pledges).Select(n => (n, Read(pk, LedgerRows.Pledge(n), ct))).ToList();
        var allocations = Missing(reads.Allocations, snapshot.Allocations).Select(n => (n, Read(pk, LedgerRows.Allocation(n), ct))).ToList();
        var trades = Missing(reads.Trades, snapshot.Trades).Select(n => (n, Read(pk, LedgerRows.Trade(n), ct))).ToList();
        // A day inside the price window being read comes with that range (one request less), with its version.
        var window = reads.PriceDays is { } pw && snapshot.PriceDays is null ? pw : ((DateOnly From, DateOnly To)?)null;
        bool InWindow(DateOnly d) => window is { } w && d >= w.From && d <= w.To;
        var days = Missing(reads.Days, snapshot.Days).Where(d => !InWindow(d)).Select(d => (d, Read(pk, LedgerRows.Day(d), ct))).ToList();
        var windowDays = Missing(reads.Days, snapshot.Days).Where(InWindow).ToList();
        var listings = Missing(reads.Listings, snapshot.Listings).Select(n => (n, Read(pk, LedgerRows.Listing(n), ct))).ToList();
        var auctions = Missing(reads.Auctions, snapshot.Auctions).Select(n => (n, Read(pk, LedgerRows.Auction(n), ct))).ToList();
        var bids = Missing(reads.Bids, snapshot.Bids).Select(k => (k, Read(pk, LedgerRows.Bid(k.Auction, k.Bidder), ct))).ToList();
        var bidsOf = Missing(reads.BidsOf, snapshot.BidsOf).Select(n => (n, Range(pk, LedgerRows.BidsFirst(n), LedgerRows.BidsLast(n), ct))).ToList();
        var priceDays = reads.PriceDays is { } w && snapshot.PriceDays is null
            ? Range(pk, LedgerRows.Day(w.From), LedgerRows.Day(w.To.AddDays(1)), ct)
            : Task.FromResult(new List<TableEntity>());
        await Task.WhenAll(new[] { head, idem ?? Task.FromResult<TableEntity?>(null) }
            .Concat(holdings.Select(x => x.Item2)).Concat(months.Select(x => x.Item2)).Concat(proposals.Select(x => x.Item2))
            .Concat(pledges.Select(x => x.Item2)).Concat(allocations.Select(x => x.Item2)).Concat(trades.Select(x => x.Item2))
            .Concat(days.Select(x => x.Item2)).Concat(listings.Select(x => x.Item2)).Concat(auctions.Select(x => x.Item2)).Concat(bids.Select(x => x.Item2)));
        await Task.WhenAll(bidsOf.Select(x => (Task)x.Item2).Append(priceDays));

        // Read after the market's own rows: a month that a close has started by now is seen as closed (closes are
        // marked before the closer lists the markets, and this market's rows existed before this read).
        var closed = new HashSet<ReportingMonth>(snapshot.ClosedMonths);
        foreach (var month in reads.Months.Where(m => !closed.Contains(m)))
            if (await IsMonthClosingAsync(month, ct)) closed.Add(month);

        return snapshot with
        {
            Head = loaded is null ? Versioned(head.Result, e => LedgerRows.ToHead(e), MarketHead.Empty) : snapshot.Head,
            Idempotency = snapshot.Idempotency ?? (idem?.Result is { } i ? LedgerRows.ToIdempotency(callerKeyHash!, i) : null),
            IdempotencyVersion = snapshot.Idempotency is not null ? snapshot.IdempotencyVersion : idem?.Result?.ETag.ToString(),
            Holdings = Merge(snapshot.Holdings, holdings.Select(x => (x.h, Versioned(x.Item2.Result, e => LedgerRows.ToHolding(x.h, e), Holding.Empty(x.h))))),
            Months = Merge(snapshot.Months, months.Select(x => (x.m, Versioned(x.Item2.Result, e => LedgerRows.ToMonth(x.m, e), MonthCounter.Empty(x.m))))),
            Proposals = Merge(snapshot.Proposals, proposals.Select(x => (x.n, Versioned(x.Item2.Result, LedgerRows.ToProposal, null!)))),
            Pledges = Merge(snapshot.Pledges, pledges.Select(x => (x.n, Versioned(x.Item2.Result, e => LedgerRows.ToPledge(market, e), null!)))),
            Allocations = Merge(snapshot.Allocations, allocations.Select(x => (x.n, Versioned(x.Item2.Result, e => LedgerRows.ToAllocation(market, e), null!)))),
            Trades = Merge(snapshot.Trades, trades.Where(x => x.Item2.Result is not null).Select(x => (x.n, LedgerRows.ToTrade(x.Item2.Result!)))),
            Days = Merge(snapshot.Days, days.Select(x => (x.d, Versioned(x.Item2.Result, e => LedgerRows.ToDay(x.d, e), DayCounter.Empty(x.d))))
                .Concat(windowDays.Select(d => (d, Versioned(priceDays.Result.FirstOrDefault(e => e.RowKey == LedgerRows.Day(d)), e => LedgerRows.ToDay(d, e), DayCounter.Empty(d)))))),
            Listings = Merge(snapshot.Listings, listings.Select(x => (x.n, Versioned(x.Item2.Result, e => LedgerRows.ToListing(market, e), null!)))),
            Auctions = Merge(snapshot.Auctions, auctions.Select(x => (x.n, Versioned(x.Item2.Result, e => LedgerRows.ToAuction(market, e), null!)))),
            Bids = Merge(snapshot.Bids, bids.Select(x => (x.k, Versioned(x.Item2.Result, LedgerRows.ToBid, null!)))),
            BidsOf = Merge(snapshot.BidsOf, bidsOf.Select(x => (x.n,
                (IReadOnlyList<Versioned<Bid>>)x.Item2.Result.Select(e => new Versioned<Bid>(LedgerRows.ToBid(e), e.ETag.ToString())).ToList()))),
            PriceDays = snapshot.PriceDays ?? (reads.PriceDays is null ? null
                : priceDays.Result.Select(e => LedgerRows.ToDay(LedgerRows.DayOfRow(e.RowKey), e)).ToList()),
            ClosedMonths = closed,
        };
    }

    public async Task<bool> TryCommitAsync(MarketId market, IReadOnlyList<RowChange> changes, CancellationToken ct)
    {
        var actions = changes.SelectMany(c => LedgerRows.Actions(market, c)).ToList();
        LedgerRows.RequireOnePartition(actions);
        try
        {
            await storage.Ledger.SubmitTransactionAsync(actions, ct);
            return true;
        }
        catch (TableTransactionFailedException ex) when (ex.Status is 412 or 409)
        {
            return false;
        }
    }

    /// <summary>How far apart two instances' clocks may be: a month is never closing before it ended by any instance's clock.</summary>
    private static readonly TimeSpan s_clockSkew = TimeSpan.FromMinutes(5);

    /// <summary>
    /// A month is closing once CloseMonth has marked it (before it lists the markets); closing and closed never revert.
    /// A month that has not ended (with a margin for clock skew) cannot be closing: no read.
    /// </summary>
    public async Task<bool> IsMonthClosingAsync(ReportingMonth month, CancellationToken ct)
    {
        if (month.End > time.GetUtcNow() + s_clockSkew) return false;
        if (_closedMonths.ContainsKey(month)) return true;
        var row = await storage.Closes.GetEntityIfExistsAsync<TableEntity>(MonthFigures.ClosesPartition, month.ToString(), select: ["RowKey"], cancellationToken: ct);
        if (!row.HasValue) return false;
        _closedMonths[month] = true;
        return true;
    }

    private async Task<TableEntity?> Read(string pk, string rk, CancellationToken ct)
    {
        var response = await storage.Ledger.GetEntityIfExistsAsync<TableEntity>(pk, rk, cancellationToken: ct);
        return response.HasValue ? response.Value : null;
    }

    private async Task<List<TableEntity>> Range(string pk, string fromInclusive, string toExclusive, CancellationToken ct)
    {
        var rows = new List<TableEntity>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {pk} and RowKey ge {fromInclusive} and RowKey lt {toExclusive}");
        await foreach (var row in storage.Ledger.QueryAsync<TableEntity>(filter, cancellationToken: ct)) rows.Add(row);
        return rows;
    }

    private static IEnumerable<TKey> Missing<TKey, TValue>(IEnumerable<TKey> wanted, IReadOnlyDictionary<TKey, TValue> have) where TKey : notnull =>
        wanted.Distinct().Where(k => !have.ContainsKey(k));

    private static Versioned<T> Versioned<T>(TableEntity? e, Func<TableEntity, T> map, T absent) =>
        e is null ? new Versioned<T>(absent, null) : new Versioned<T>(map(e), e.ETag.ToString());

    private static Dictionary<TKey, TValue> Merge<TKey, TValue>(IReadOnlyDictionary<TKey, TValue> have, IEnumerable<(TKey, TValue)> more) where TKey : notnull
    {
        var result = new Dictionary<TKey, TValue>(have);
        foreach (var (k, v) in more) result[k] = v;
        return result;
    }
}

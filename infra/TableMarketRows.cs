using System.Collections.Concurrent;
using Azure;
using Azure.Data.Tables;
using Trading.Core.Finance;
using Trading.Core.Ledger;
using Trading.Core.Primitives;

namespace Trading.Infra;

/// <summary>
/// The ledger's storage port on Table Storage: one partition per market; a load is parallel point reads, a commit one
/// entity-group transaction with If-Match on every row that was read (Add for rows that were absent).
/// </summary>
public sealed class TableMarketRows(StorageContext storage, TimeProvider time) : IMarketRows
{
    private readonly ConcurrentDictionary<ReportingMonth, bool> _closedMonths = new();

    public async Task<MarketSnapshot> LoadAsync(MarketId market, MarketReads reads, string? callerKeyHash, MarketSnapshot? loaded, CancellationToken ct)
    {
        var pk = market.Key;
        var snapshot = loaded ?? MarketSnapshot.Empty(market);
        var head = Read(pk, LedgerRows.Head, ct);
        var idem = callerKeyHash is null || snapshot.Idempotency is not null ? null : Read(pk, LedgerRows.Idempotency(callerKeyHash), ct);
        var holdings = Missing(reads.Holders, snapshot.Holdings).Select(h => (h, Read(pk, LedgerRows.Holding(h), ct))).ToList();
        var months = Missing(reads.Months, snapshot.Months).Select(m => (m, Read(pk, LedgerRows.Month(m), ct))).ToList();
        var proposals = Missing(reads.Proposals, snapshot.Proposals).Select(n => (n, Read(pk, LedgerRows.Proposal(n), ct))).ToList();
        var pledges = Missing(reads.Pledges, snapshot.Pledges).Select(n => (n, Read(pk, LedgerRows.Pledge(n), ct))).ToList();
        var allocations = Missing(reads.Allocations, snapshot.Allocations).Select(n => (n, Read(pk, LedgerRows.Allocation(n), ct))).ToList();
        var trades = Missing(reads.Trades, snapshot.Trades).Select(n => (n, Read(pk, LedgerRows.Trade(n), ct))).ToList();
        await Task.WhenAll(new[] { head, idem ?? Task.FromResult<TableEntity?>(null) }
            .Concat(holdings.Select(x => x.Item2)).Concat(months.Select(x => x.Item2)).Concat(proposals.Select(x => x.Item2))
            .Concat(pledges.Select(x => x.Item2)).Concat(allocations.Select(x => x.Item2)).Concat(trades.Select(x => x.Item2)));

        // Read after the market's own rows: a month that a close has started by now is seen as closed (closes are
        // marked before the closer lists the markets, and this market's rows existed before this read).
        var closed = new HashSet<ReportingMonth>(snapshot.ClosedMonths);
        foreach (var month in reads.Months.Where(m => !closed.Contains(m)))
            if (await IsMonthClosingAsync(month, ct)) closed.Add(month);

        return snapshot with
        {
            Head = Versioned(head.Result, e => LedgerRows.ToHead(e), MarketHead.Empty),
            Idempotency = snapshot.Idempotency ?? (idem?.Result is { } i ? LedgerRows.ToIdempotency(callerKeyHash!, i) : null),
            Holdings = Merge(snapshot.Holdings, holdings.Select(x => (x.h, Versioned(x.Item2.Result, e => LedgerRows.ToHolding(x.h, e), Holding.Empty(x.h))))),
            Months = Merge(snapshot.Months, months.Select(x => (x.m, Versioned(x.Item2.Result, e => LedgerRows.ToMonth(x.m, e), MonthCounter.Empty(x.m))))),
            Proposals = Merge(snapshot.Proposals, proposals.Select(x => (x.n, Versioned(x.Item2.Result, LedgerRows.ToProposal, null!)))),
            Pledges = Merge(snapshot.Pledges, pledges.Select(x => (x.n, Versioned(x.Item2.Result, e => LedgerRows.ToPledge(market, e), null!)))),
            Allocations = Merge(snapshot.Allocations, allocations.Select(x => (x.n, Versioned(x.Item2.Result, e => LedgerRows.ToAllocation(market, e), null!)))),
            Trades = Merge(snapshot.Trades, trades.Where(x => x.Item2.Result is not null).Select(x => (x.n, LedgerRows.ToTrade(x.Item2.Result!)))),
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

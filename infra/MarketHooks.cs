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
/// What a market write does around its commit. Before: the market in the market list, a new holding in its holder's
/// list, a new offer in its parties' lists (a commit that then fails leaves an index row pointing at nothing, or at a
/// row checked again when read, never a committed row that no list shows); a pending rollup mark per month counter it
/// writes (decision 0005); loan-match dirty marks for the holders (and prices) it changes; a pending audit mark, and a
/// pending event mark when it sends events. After: the rollup copy, the match marks touched again, an ended listing out
/// of the book (it is on the list of its status from before the commit), telemetry.
/// </summary>
public sealed class MarketHooks(StorageContext storage, OfferIndex offers, RegionRollups rollups, AuditMarks auditMarks, EventMarks eventMarks, TimeProvider time,
    DueIndex due, MonthIndex months)
    : IWriteHooks
{
    private readonly ConcurrentDictionary<string, bool> _indexed = new(StringComparer.Ordinal);
    private readonly StorageContext _storage = storage;
    private readonly OfferIndex _offers = offers;
    private readonly RegionRollups _rollups = rollups;
    private readonly AuditMarks _auditMarks = auditMarks;
    private readonly EventMarks _eventMarks = eventMarks;
    private readonly TimeProvider _time = time;
    private readonly DueIndex _due = due;
    private readonly MonthIndex _months = months;

    public IDisposable? Trace(string action, string partition)
    {
        var activity = Telemetry.Source.StartActivity("market.write " + action);
        activity?.SetTag("trading.market", partition);
        return activity;
    }

    public IWriteEffects Start(string partition) =>
        new Effects(this, MarketId.TryParse(partition, out var market) ? market.Value : throw new InvalidOperationException($"{partition} is not a market"));

    public void Retried(string action) => Telemetry.Retries.Add(1, new KeyValuePair<string, object?>("trading.action", action));

    private sealed class Effects(MarketHooks hooks, MarketId market) : IWriteEffects
    {
        private readonly Dictionary<ReportingMonth, RegionRollups.Mark> _rollupMarks = [];
        private IReadOnlyList<string> _matchMarks = [];

        public async Task BeforeCommitAsync(IReadOnlyList<RowChange> changes, CancellationToken ct)
        {
            var marking = Task.WhenAll(MarkCountersAsync(changes, ct), hooks._months.MarkAsync(market, changes, ct)); // + the close index (decision 0013)
            // Loan matches: the holders whose holdings change (and the market, when its prices may) are marked dirty before the commit and touched after it.
            _matchMarks = MatchMarks.OfMarketChanges(market, changes.Select(c => c.Row));
            var matchMarking = _matchMarks.Count > 0 ? MatchMarks.MarkAsync(hooks._storage, _matchMarks, ct) : Task.CompletedTask;
            var auditMarking = hooks._auditMarks.MarkAsync(AuditMarks.Ledger, market.Key, ct);
            var eventMarking = changes.Any(c => c.Row is EventRecord) ? hooks._eventMarks.MarkAsync(AuditMarks.Ledger, market.Key, ct) : Task.CompletedTask;
            eventMarking = Task.WhenAll(eventMarking, hooks._due.MarkAsync(market, changes, ct)); // due work indexed before the commit (decision 0012)
            try
            {
                await IndexAsync(changes, ct);
            }
            finally
            {
                await Task.WhenAll(marking, matchMarking, auditMarking, eventMarking).ContinueWith(_ => { }, TaskScheduler.Default);
            }
            await marking;
            await matchMarking;
            await auditMarking;
            await eventMarking;
        }

        public async Task AfterCommitAsync(string action, IReadOnlyList<RowChange> changes, CancellationToken ct)
        {
            // Each mark with the counter this commit wrote: the copy starts from it instead of reading it back (decision 0005).
            if (_rollupMarks.Count > 0)
            {
                var counters = new Dictionary<ReportingMonth, MonthCounter>();
                foreach (var counter in changes.Select(c => c.Row).OfType<MonthCounter>()) counters[counter.Month] = counter;
                hooks._rollups.Committed(_rollupMarks.Values.Select(m =>
                    counters.TryGetValue(m.Month, out var counter) ? m with { Value = RegionRollups.SourceCounter.Of(counter) } : m));
            }
            await AuditMarkAfterCommitAsync(hooks._auditMarks, Books.Ledger, market.Key);
            // Touched again after the commit (so a refresh that read the marks before it keeps them), without holding up the
            // answer; if it fails, the marks written before the commit still stand.
            if (_matchMarks.Count > 0) _ = TouchAfterCommitAsync(_matchMarks, hooks._storage);
            var trades = changes.Count(c => c.Row is Trade);
            if (trades > 0) Telemetry.TradesRecorded.Add(trades, new KeyValuePair<string, object?>("trading.action", action));
            if (changes.Any(c => c.Row is TradeProposal && c.IfMatch is null)) Telemetry.ProposalsCreated.Add(1);
            try
            {
                foreach (var ended in changes.Select(c => c.Row).OfType<Listing>().Where(l => l.Status != ListingStatus.Open))
                    await hooks._offers.RemoveAsync(OfferIndex.Listings, ended.Id, OfferIndex.CheapestFirst(ended.Request.UnitPrice, ended.CreatedAt),
                        [ended.Request.Seller.Value], ct, market.Region);
            }
            catch (Exception ex) when (StorageFault.Is(ex))
            {
                // The book reads each listing's own row and shows open ones only: a stale index row shows nothing.
                Telemetry.MatchMarkFaults.Add(1);
            }
        }

        /// <summary>
        /// A pending mark per month counter the change writes, before it commits, so that region figures count the change
        /// from the moment it commits (decision 0005); renewed when the write is still retrying long after.
        /// </summary>
        private async Task MarkCountersAsync(IReadOnlyList<RowChange> changes, CancellationToken ct)
        {
            foreach (var month in changes.Select(c => c.Row).OfType<MonthCounter>().Select(m => m.Month).Distinct())
            {
                if (!_rollupMarks.TryGetValue(month, out var mark)) _rollupMarks[month] = await hooks._rollups.MarkAsync(market, month, ct);
                else if (hooks._time.GetUtcNow() - mark.At > RegionRollups.Renewal) _rollupMarks[month] = await hooks._rollups.RenewAsync(mark, ct);
            }
        }

        private async Task IndexAsync(IReadOnlyList<RowChange> changes, CancellationToken ct)
        {
            await hooks.OnceAsync("m|" + market.Key, () => hooks._storage.Markets.UpsertEntityAsync(new TableEntity(TableLedger.MarketsPartition, market.Key)
            {
                ["Region"] = market.Region.Value,
                ["Pollutant"] = market.Pollutant.ToString(),
            }, TableUpdateMode.Merge, ct));
            foreach (var change in changes.Where(c => c.IfMatch is null))
            {
                switch (change.Row)
                {
                    case Holding h:
                        await hooks.OnceAsync("h|" + h.Holder.Value + "|" + market.Key,
                            () => hooks._storage.HolderIndex.UpsertEntityAsync(new TableEntity(h.Holder.Value, market.Key), TableUpdateMode.Merge, ct));
                        break;
                    case TradeProposal p:
                        await hooks._offers.AddAsync(OfferIndex.Proposals, p.Id, market, OfferIndex.NewestFirst(p.CreatedAt), [p.Request.Seller.Value, p.Request.Buyer.Value], ct);
                        break;
                    case Pledge p:
                        await hooks._offers.AddAsync(OfferIndex.Pledges, p.Id, market, OfferIndex.NewestFirst(p.CreatedAt),
                            ["bank:" + p.Request.Bank.Value, "holder:" + p.Request.Holder.Value], ct);
                        break;
                    case Listing l:
                        await hooks._offers.AddAsync(OfferIndex.Listings, l.Id, market, OfferIndex.CheapestFirst(l.Request.UnitPrice, l.CreatedAt), [l.Request.Seller.Value], ct);
                        break;
                    case Auction a:
                        await hooks._offers.AddAsync(OfferIndex.Auctions, a.Id, market, OfferIndex.NewestFirst(a.CreatedAt), [], ct);
                        break;
                }
            }
            // A listing that this change ends goes on the list of its new status (filled, withdrawn, expired) before the commit.
            foreach (var ended in changes.Select(c => c.Row).OfType<Listing>().Where(l => l.Status != ListingStatus.Open))
                await hooks._offers.AddAsync(OfferIndex.ListingsIn(ended.Status), ended.Id, market,
                    OfferIndex.CheapestFirst(ended.Request.UnitPrice, ended.CreatedAt), [ended.Request.Seller.Value], ct);
        }
    }

    /// <summary>
    /// The pending audit mark again after a commit that came a renewal or more after the mark it relied on (a no-op
    /// otherwise); a fault is counted, not answered: the commit stands and the copier's next visit finds it (decision 0007).
    /// </summary>
    internal static async Task AuditMarkAfterCommitAsync(AuditMarks marks, string book, string partition)
    {
        try { await marks.MarkAsync(book, partition, CancellationToken.None); }
        catch (Exception ex) when (StorageFault.Is(ex))
        {
            Telemetry.MatchMarkFaults.Add(1);
        }
    }

    private static async Task TouchAfterCommitAsync(IReadOnlyList<string> matchMarks, StorageContext storage)
    {
        try { await MatchMarks.MarkAsync(storage, matchMarks, CancellationToken.None); }
        catch (Exception ex) when (StorageFault.Is(ex))
        {
            Telemetry.MatchMarkFaults.Add(1);
        }
    }

    private async Task OnceAsync(string key, Func<Task> write)
    {
        if (_indexed.ContainsKey(key)) return;
        await write();
        _indexed[key] = true;
    }
}

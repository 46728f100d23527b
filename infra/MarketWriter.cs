using System.Collections.Concurrent;
using Azure;
using Azure.Data.Tables;
using Trading.Core;
using Trading.Core.Access;
using Trading.Core.Finance;
using Trading.Core.Ledger;
using Trading.Core.Primitives;

namespace Trading.Infra;

/// <summary>
/// The one loop that runs every use case: load the snapshot through the port, decide (pure, in core), commit the
/// decision as one partition transaction under If-Match, and on a lost race load and decide again, a bounded number of
/// times (503 after that, nothing written). Around it, what no single partition can hold: the caller's idempotency key
/// is bound across markets before the first commit (and unbound again when the request is refused), and the indexes
/// that list holders, markets and offers are written before the commit, so a committed row is never missing from them.
/// </summary>
public sealed class MarketWriter(StorageContext storage, IMarketRows rows, OfferIndex offers, KeyBindings bindings, RegionRollups rollups, TimeProvider time)
{
    /// <summary>How many times a market write is tried before the caller gets 503 (nothing written).</summary>
    public const int MaxAttempts = 40;

    private readonly KeyedLock _marketLocks = new();
    private readonly ConcurrentDictionary<string, bool> _indexed = new(StringComparer.Ordinal);

    public async Task<WriteOutcome<T>> ExecuteAsync<T>(IMarketUseCase<T> useCase, Principal caller, string? idempotencyKey, Func<T, string> render,
        string? traceId, CancellationToken ct)
    {
        var market = useCase.Market;
        using var activity = Telemetry.Source.StartActivity("market.write " + useCase.Action);
        activity?.SetTag("trading.market", market.Key);
        var fingerprint = useCase.Fingerprint;
        if ((fingerprint is null) != (idempotencyKey is null))
            throw new InvalidOperationException(fingerprint is null ? $"{useCase.Action} is idempotent by state" : $"{useCase.Action} needs an Idempotency-Key");
        var callerKeyHash = idempotencyKey is null ? null : Hashing.Sha256Hex(caller.Id + "\n" + idempotencyKey);
        // The key's binding across markets is read while the market's rows load.
        var bindingTask = callerKeyHash is null ? Task.FromResult<KeyBinding?>(null) : bindings.FindAsync(callerKeyHash, fingerprint!, ct);
        KeyBinding? binding = null;
        var boundHere = false;
        var rollupMarks = new Dictionary<ReportingMonth, RegionRollups.Mark>();

        using var marketLock = await _marketLocks.AcquireAsync(market.Key, ct);
        for (var attempt = 1; ; attempt++)
        {
            var context = new UseCaseContext(caller, time.GetUtcNow(), callerKeyHash, traceId);
            Decision<T> decision;
            try
            {
                var snapshot = await LoadAsync(useCase, context, ct);
                if (attempt == 1) binding = await bindingTask;
                decision = UseCaseRunner.Run(useCase, snapshot, context);
            }
            catch (DomainException) when (boundHere)
            {
                // Refused after a lost race: the key was bound for nothing and is freed again.
                await bindings.UnbindAsync(binding!, ct);
                throw;
            }
            if (decision.Replayed is { } replay)
                return new WriteOutcome<T>(default, replay.Answer ?? "", Replayed: true, replay.ResourceId);
            if (decision.WritesNothing)
                return new WriteOutcome<T>(decision.Answer, render(decision.Answer!), Replayed: false, decision.ResourceId);

            var body = decision.Answer is null ? null : render(decision.Answer);
            decision = UseCaseRunner.WithAnswer(decision, body);
            // Pending rollup marks, loan-match dirty marks, the key's binding and index rows are all written before the
            // commit; none depends on another.
            var marking = MarkCountersAsync(market, decision.Changes, rollupMarks, ct);
            // Loan matches: the holders whose holdings change (and the market, when its prices may) are marked dirty before the commit and touched after it.
            var matchMarks = MatchMarks.OfMarketChanges(market, decision.Changes.Select(c => c.Row));
            var matchMarking = matchMarks.Count > 0 ? MatchMarks.MarkAsync(storage, matchMarks, ct) : Task.CompletedTask;
            try
            {
                if (callerKeyHash is not null && decision.Refusal is null && binding is not { Mine: true })
                    (binding, boundHere) = await bindings.BindAsync(caller, callerKeyHash, fingerprint!, KeyBindings.Ledger, market.Key, binding, ct);
                await IndexAsync(market, decision.Changes, ct);
            }
            finally
            {
                // Never left running unobserved; a failure there is the request's failure unless another one came first.
                await Task.WhenAll(marking, matchMarking).ContinueWith(_ => { }, TaskScheduler.Default);
            }
            await marking;
            await matchMarking;
            if (await rows.TryCommitAsync(market, decision.Changes, ct))
            {
                if (rollupMarks.Count > 0) rollups.Committed(rollupMarks.Values);
                // Touched again after the commit (so a refresh that read the marks before it keeps them), without holding
                // up the answer; if it fails, the marks written before the commit still stand.
                if (matchMarks.Count > 0) _ = TouchAfterCommitAsync(matchMarks);
                var trades = decision.Changes.Count(c => c.Row is Core.Ledger.Trade);
                if (trades > 0) Telemetry.TradesRecorded.Add(trades, new KeyValuePair<string, object?>("trading.action", useCase.Action));
                if (decision.Changes.Any(c => c.Row is TradeProposal && c.IfMatch is null)) Telemetry.ProposalsCreated.Add(1);
                foreach (var ended in decision.Changes.Select(c => c.Row).OfType<Core.Market.Listing>().Where(l => l.Status != Core.Market.ListingStatus.Open))
                    await offers.RemoveAsync(OfferIndex.Listings, ended.Id, OfferIndex.CheapestFirst(ended.Request.UnitPrice, ended.CreatedAt), [ended.Request.Seller.Value], ct);
                if (decision.Refusal is { } refusal)
                {
                    if (boundHere) await bindings.UnbindAsync(binding!, ct);
                    throw refusal;
                }
                return new WriteOutcome<T>(decision.Answer, body!, Replayed: false, decision.ResourceId);
            }
            if (attempt >= MaxAttempts)
            {
                if (boundHere) await bindings.UnbindAsync(binding!, ct);
                throw new UnavailableException($"The market {market} is too busy; nothing was recorded. Retry (with the same Idempotency-Key).");
            }
            Telemetry.Retries.Add(1, new KeyValuePair<string, object?>("trading.action", useCase.Action));
            var backoff = Math.Min(200, 5 * attempt);
            await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(backoff / 2, backoff + 1)), ct);
        }
    }

    /// <summary>
    /// Loads what the use case reads; a second step when what it needs depends on what it found (a proposal's parties).
    /// Rows of two steps must be of one moment: every change to a market writes its head, so the head's version read
    /// again after the last step, if unchanged, proves nothing was committed in between; otherwise the load starts over.
    /// </summary>
    private async Task<MarketSnapshot> LoadAsync<T>(IMarketUseCase<T> useCase, UseCaseContext context, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            var reads = useCase.Reads(null, context);
            var snapshot = await rows.LoadAsync(useCase.Market, reads, context.CallerKeyHash, null, ct);
            var steps = 0;
            for (; steps < 3; steps++)
            {
                var more = useCase.Reads(snapshot, context);
                if (snapshot.Covers(more)) break;
                snapshot = await rows.LoadAsync(useCase.Market, reads = reads.Union(more), context.CallerKeyHash, snapshot, ct);
            }
            if (steps == 0) return snapshot;
            var head = await rows.LoadAsync(useCase.Market, MarketReads.HeadOnly, null, null, ct);
            if (head.Head.Version == snapshot.Head.Version || attempt >= MaxAttempts) return snapshot;
            Telemetry.Retries.Add(1, new KeyValuePair<string, object?>("trading.action", useCase.Action));
        }
    }

    /// <summary>
    /// Index rows written before the commit: the market in the market list, a new holding in its holder's list, a new
    /// proposal or pledge in its parties' lists. A commit that then fails leaves an index row pointing at nothing (or at
    /// a row that is checked again when read), never a committed row that no list shows.
    /// </summary>
    private async Task IndexAsync(MarketId market, IReadOnlyList<RowChange> changes, CancellationToken ct)
    {
        await OnceAsync("m|" + market.Key, () => storage.Markets.UpsertEntityAsync(new TableEntity(TableLedger.MarketsPartition, market.Key)
        {
            ["Region"] = market.Region.Value,
            ["Pollutant"] = market.Pollutant.ToString(),
        }, TableUpdateMode.Merge, ct));
        foreach (var change in changes.Where(c => c.IfMatch is null))
        {
            switch (change.Row)
            {
                case Holding h:
                    await OnceAsync("h|" + h.Holder.Value + "|" + market.Key,
                        () => storage.HolderIndex.UpsertEntityAsync(new TableEntity(h.Holder.Value, market.Key), TableUpdateMode.Merge, ct));
                    break;
                case TradeProposal p:
                    await offers.AddAsync(OfferIndex.Proposals, p.Id, market, OfferIndex.NewestFirst(p.CreatedAt), [p.Request.Seller.Value, p.Request.Buyer.Value], ct);
                    break;
                case Pledge p:
                    await offers.AddAsync(OfferIndex.Pledges, p.Id, market, OfferIndex.NewestFirst(p.CreatedAt),
                        ["bank:" + p.Request.Bank.Value, "holder:" + p.Request.Holder.Value], ct);
                    break;
                case Core.Market.Listing l:
                    await offers.AddAsync(OfferIndex.Listings, l.Id, market, OfferIndex.CheapestFirst(l.Request.UnitPrice, l.CreatedAt), [l.Request.Seller.Value], ct);
                    break;
                case Core.Market.Auction a:
                    await offers.AddAsync(OfferIndex.Auctions, a.Id, market, OfferIndex.NewestFirst(a.CreatedAt), [], ct);
                    break;
            }
        }
    }

    /// <summary>
    /// A pending mark per month counter the change writes, before it commits, so that region figures count the change
    /// from the moment it commits (decision 0005); renewed when the write is still retrying long after.
    /// </summary>
    private async Task MarkCountersAsync(MarketId market, IReadOnlyList<RowChange> changes, Dictionary<ReportingMonth, RegionRollups.Mark> marks, CancellationToken ct)
    {
        foreach (var month in changes.Select(c => c.Row).OfType<MonthCounter>().Select(m => m.Month).Distinct())
        {
            if (!marks.TryGetValue(month, out var mark)) marks[month] = await rollups.MarkAsync(market, month, ct);
            else if (time.GetUtcNow() - mark.At > RegionRollups.Renewal) marks[month] = await rollups.RenewAsync(mark, ct);
        }
    }

    private async Task TouchAfterCommitAsync(IReadOnlyList<string> matchMarks)
    {
        try { await MatchMarks.MarkAsync(storage, matchMarks, CancellationToken.None); }
        catch (Exception ex) when (ex is RequestFailedException or HttpRequestException or TimeoutException or OperationCanceledException)
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

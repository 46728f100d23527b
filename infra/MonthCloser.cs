using Azure;
using Azure.Data.Tables;
using Trading.Core.Ledger;
using Trading.Core.Primitives;
using Trading.Core.Reporting;

namespace Trading.Infra;

/// <summary>
/// Closes every ended month not yet closed, in chunks under a <see cref="TimerBudget"/> (decision 0013). The months to
/// close come from <see cref="MonthIndex"/>: the months after its cursor up to the last ended one, and months due out of
/// sequence; a run with nothing to close reads the index's state (one query) and no market. A month is marked closing
/// first (no trade lands in it from then on), then each market-month of its index partition is closed: recomputed from
/// its trades, compared with the live counter (a mismatch is logged; the recomputed figure wins), and written back with
/// Closed = true under If-Match, so that a trade racing the close either lands before it (and is counted) or is refused
/// after it. Closed market-months are recorded in the index with their totals; once every one of the month is, the
/// report blobs are written from the index and the month is marked closed. A run stopped anywhere (budget, kill) leaves
/// each step done or not done, and the next run goes on: the report holds no timestamp, so it is the same bytes.
/// </summary>
public sealed class MonthCloser(StorageContext storage, MonthFigures figures, ReportStore reports, AuctionCloser auctions,
    RegionRollups rollups, MonthIndex index, TimerBudgets budgets, TimeProvider time)
{
    /// <summary>Market-months closed between two records of progress in the index.</summary>
    private const int Chunk = 100;

    public Task<IReadOnlyList<string>> CloseEndedMonthsAsync(CancellationToken ct) => CloseEndedMonthsAsync(budgets.Start(), ct);

    public async Task<IReadOnlyList<string>> CloseEndedMonthsAsync(TimerBudget budget, CancellationToken ct)
    {
        // Auctions that closed are settled first, so that their trades land in their own (closing) month.
        var logs = (await auctions.CloseDueAsync(ct)).Where(l => !l.StartsWith("No auction", StringComparison.Ordinal)).ToList();
        logs.AddRange(await CloseDueMonthsAsync(budget, ct));
        return logs;
    }

    /// <summary>The months' part of the run (without the auctions): what is due, within the budget.</summary>
    public async Task<IReadOnlyList<string>> CloseDueMonthsAsync(TimerBudget budget, CancellationToken ct)
    {
        var logs = new List<string>();
        // Before 2000-02 no month has ended (TryAddMonths is false for 1999-12): nothing to close.
        if (!ReportingMonth.Of(time.GetUtcNow()).TryAddMonths(-1, out var lastEnded))
            return ["No ended month to close."];
        var state = await index.ReadStateAsync(ct);
        if (!state.BackfillDone && !await BackfillAsync(state.BackfillAfter, budget, logs, ct)) return logs;

        // The months in sequence: after the cursor, or (first run) from the earliest indexed or closed month.
        var candidates = new SortedSet<ReportingMonth>(state.Due.Where(m => m <= lastEnded));
        ReportingMonth? sequenceFrom = null;
        ISet<ReportingMonth>? closed = null;
        if (state.Through is { } through)
        {
            if (through < lastEnded) sequenceFrom = through.Next();
        }
        else
        {
            closed = await figures.ClosedMonthsAsync(ReportingMonth.MinValue, lastEnded, ct);
            var earliest = await index.EarliestMonthAsync(ct);
            if (closed.Count > 0 && (earliest is null || closed.Min() < earliest)) earliest = closed.Min();
            if (earliest is { } e && e <= lastEnded) sequenceFrom = e;
        }
        if (sequenceFrom is { } from)
            foreach (var month in ReportingMonth.Range(from, lastEnded)) candidates.Add(month);
        if (candidates.Count == 0)
        {
            logs.Add(state.Through is null ? $"No ended month with trades to close (last ended month: {lastEnded})." : $"Every month up to {lastEnded} was already closed.");
            return logs;
        }

        closed ??= await figures.ClosedMonthsAsync(candidates.Min, candidates.Max, ct);
        var count = 0;
        ReportingMonth? stoppedAt = null;
        foreach (var month in candidates)
        {
            if (!closed.Contains(month))
            {
                if (!await CloseMonthAsync(month, budget, logs, ct))
                {
                    stoppedAt = month;
                    logs.Add(budget.StoppedLine($"closing {month}"));
                    break;
                }
                count++;
            }
            if (state.Due.Contains(month)) await index.ClearDueAsync(month, ct);
        }
        // The cursor moves over the months in sequence closed by now (never back: months are closed in order).
        if (sequenceFrom is { } start)
        {
            var closedThrough = stoppedAt is { } stop ? (stop > start ? stop.Previous() : (ReportingMonth?)null) : lastEnded;
            if (closedThrough is { } t && (state.Through is null || t > state.Through)) await index.AdvanceCursorAsync(t, ct);
        }
        if (stoppedAt is null)
            logs.Add(count == 0 ? $"Every month up to {lastEnded} was already closed." : $"Closed {count} month(s) up to {lastEnded}.");
        return logs;
    }

    /// <summary>The one-time backfill of the index from month rows written before it existed, a page of markets per step.</summary>
    private async Task<bool> BackfillAsync(string? after, TimerBudget budget, List<string> logs, CancellationToken ct)
    {
        var closed = await figures.ClosedMonthsAsync(ReportingMonth.MinValue, ReportingMonth.MaxValue, ct);
        var pages = 0;
        while (true)
        {
            if (!budget.TrySpend())
            {
                logs.Add(budget.StoppedLine(after is null ? "indexing the month rows of every market" : $"indexing the month rows of markets after {after}"));
                return false;
            }
            var last = await index.BackfillStepAsync(after, closed, ct);
            if (last is null) break;
            (after, pages) = (last, pages + 1);
        }
        logs.Add($"Indexed the month rows of markets written before the close index ({pages} page(s) in this run).");
        return true;
    }

    /// <summary>Closes what is left of <paramref name="month"/>; false when the budget stopped it first.</summary>
    private async Task<bool> CloseMonthAsync(ReportingMonth month, TimerBudget budget, List<string> logs, CancellationToken ct)
    {
        // Marked closing before the index is listed: a market-month indexed after this is refused its trade (see MonthIndex.MarkAsync).
        await figures.MarkClosingAsync(month, time.GetUtcNow(), ct);
        var entries = await index.EntriesAsync(month, ct);
        var lines = entries.Where(e => e.Closed is not null).Select(e => (e.Market, Totals: e.Closed!.Value)).ToList();
        var open = entries.Where(e => e.Closed is null).Select(e => e.Market).OrderBy(m => m.Key, StringComparer.Ordinal).ToList();
        var mismatches = new System.Collections.Concurrent.ConcurrentQueue<string>();
        foreach (var chunk in open.Chunk(Chunk))
        {
            var results = await Bounded.SelectAsync(chunk, async market =>
                budget.TrySpend() ? (market, await CloseMarketMonthAsync(market, month, mismatches, ct)) : ((MarketId Market, Totals Totals)?)null,
                Bounded.DefaultConcurrency, ct);
            var done = results.Where(r => r is not null).Select(r => r!.Value).ToList();
            if (done.Count > 0) await index.MarkClosedAsync(month, done, ct);
            lines.AddRange(done);
            logs.AddRange(mismatches.OrderBy(m => m, StringComparer.Ordinal));
            mismatches.Clear();
            if (done.Count < chunk.Length) return false;
        }
        var report = MonthReport.Build(month, RegionPrefix.All, lines.Where(l => l.Totals.Trades > 0));
        await reports.WriteAsync(report, ct);
        await figures.MarkClosedAsync(month, time.GetUtcNow(), ct);
        logs.Add($"Closed {month}: {report.Total.Trades} trades, {report.Total.Yuan:0.00} CNY in {report.Markets.Count} market(s).");
        return true;
    }

    private async Task<Totals> CloseMarketMonthAsync(MarketId market, ReportingMonth month, System.Collections.Concurrent.ConcurrentQueue<string> logs, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            var existing = await storage.Ledger.GetEntityIfExistsAsync<TableEntity>(market.Key, LedgerRows.Month(month), cancellationToken: ct);
            var row = existing.HasValue ? existing.Value : null;
            var counter = LedgerRows.ToMonth(month, row);
            var counted = new Totals(counter.Trades, counter.Grams, counter.Fen);
            var recount = await RecomputeAsync(market, month, ct);
            var recomputed = new Totals(recount.Trades, recount.Grams, recount.Fen);
            if (counter.Closed && counter == recount with { Closed = true }) return recomputed;
            if (!counter.Closed && counted != recomputed)
                logs.Enqueue($"Mismatch in {market} {month}: counter {counter.Trades} trades / {counter.Grams} g / {counter.Fen} fen, " +
                             $"trades recomputed {recomputed.Trades} / {recomputed.Grams} g / {recomputed.Fen} fen; the recomputed figures win.");
            var closedCounter = recount with { Closed = true };
            // A correction changes the counter: pending, like a trade, until the rollups have copied it.
            var correction = counted != recomputed ? await rollups.MarkAsync(market, month, ct) : null;
            try
            {
                var entity = LedgerRows.MonthEntity(market, closedCounter);
                if (row is null) await storage.Ledger.AddEntityAsync(entity, ct);
                else await storage.Ledger.UpdateEntityAsync(entity, row.ETag, TableUpdateMode.Replace, ct);
                if (correction is not null) rollups.Committed([correction]);
                return recomputed;
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412 && attempt < 20)
            {
                // A trade (or another close) wrote the row since we read it: read and recompute again.
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 50)), ct);
            }
        }
    }

    /// <summary>The month's counters (totals and price figures) recomputed from its trades, through the newest-first index.</summary>
    private async Task<MonthCounter> RecomputeAsync(MarketId market, ReportingMonth month, CancellationToken ct)
    {
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey eq {market.Key} and RowKey gt {LedgerRows.ByTimeBound(month.End) + ";"} and RowKey lt {LedgerRows.ByTimeBound(month.Start) + ";"}");
        var counter = MonthCounter.Empty(month);
        await foreach (var row in storage.Ledger.QueryAsync<TableEntity>(filter, cancellationToken: ct))
            counter = counter.With(LedgerRows.ToTrade(row));
        return counter;
    }
}

using Azure;
using Azure.Data.Tables;
using Trading.Core.Ledger;
using Trading.Core.Primitives;
using Trading.Core.Reporting;

namespace Trading.Infra;

/// <summary>
/// Closes every ended month not yet closed. For each market it recomputes the month from its trades, compares with the
/// live counter (a mismatch is logged; the recomputed figure wins), and writes the month row back with Closed = true
/// under If-Match, so that a trade racing the close either lands before it (and is counted) or is refused after it.
/// Then it writes the report blobs and marks the month closed. Every step is idempotent; the report holds no
/// timestamp, so two runs at once write the same bytes.
/// </summary>
public sealed class MonthCloser(StorageContext storage, TableLedger ledger, MonthFigures figures, ReportStore reports, AuctionCloser auctions,
    RegionRollups rollups, TimeProvider time)
{
    public async Task<IReadOnlyList<string>> CloseEndedMonthsAsync(CancellationToken ct)
    {
        // Auctions that closed are settled first, so that their trades land in their own (closing) month.
        var logs = (await auctions.CloseDueAsync(ct)).Where(l => !l.StartsWith("No auction", StringComparison.Ordinal)).ToList();
        // Before 2000-02 no month has ended (TryAddMonths is false for 1999-12): nothing to close.
        if (!ReportingMonth.Of(time.GetUtcNow()).TryAddMonths(-1, out var lastEnded))
            return [.. logs, "No ended month to close."];
        var markets = await ledger.MarketsAsync(RegionPrefix.All, ct);
        ReportingMonth? earliest = null;
        foreach (var market in markets)
        {
            var filter = TableClient.CreateQueryFilter($"PartitionKey eq {market.Key} and RowKey ge {LedgerRows.MonthFirst} and RowKey lt {LedgerRows.MonthLast}");
            await foreach (var row in storage.Ledger.QueryAsync<TableEntity>(filter, maxPerPage: 1, select: ["Month"], cancellationToken: ct))
            {
                var month = ReportingMonth.Parse(row.GetString("Month"));
                if (earliest is null || month < earliest) earliest = month;
                break;
            }
        }
        if (earliest is not { } first || first > lastEnded)
        {
            logs.Add($"No ended month with trades to close (last ended month: {lastEnded}).");
            return logs;
        }
        var closed = await figures.ClosedMonthsAsync(first, lastEnded, ct);
        var count = 0;
        foreach (var month in ReportingMonth.Range(first, lastEnded))
        {
            if (closed.Contains(month)) continue;
            await figures.MarkClosingAsync(month, time.GetUtcNow(), ct);
            // Listed again after the mark: a market created since the first listing is closed too.
            await CloseAsync(month, await ledger.MarketsAsync(RegionPrefix.All, ct), logs, ct);
            count++;
        }
        logs.Add(count == 0 ? $"Every month up to {lastEnded} was already closed." : $"Closed {count} month(s) up to {lastEnded}.");
        return logs;
    }

    private async Task CloseAsync(ReportingMonth month, IReadOnlyList<MarketId> markets, List<string> logs, CancellationToken ct)
    {
        var lines = new List<(MarketId, Totals)>();
        foreach (var market in markets)
        {
            var totals = await CloseMarketMonthAsync(market, month, logs, ct);
            lines.Add((market, totals));
        }
        // The region rollups take the closed figures (the same as the live ones unless a mismatch was corrected).
        await rollups.CopyAsync(markets.Select(m => (m, month)), ct);
        var report = MonthReport.Build(month, RegionPrefix.All, lines.Where(l => l.Item2.Trades > 0));
        await reports.WriteAsync(report, ct);
        await figures.MarkClosedAsync(month, time.GetUtcNow(), ct);
        logs.Add($"Closed {month}: {report.Total.Trades} trades, {report.Total.Yuan:0.00} CNY in {report.Markets.Count} market(s).");
    }

    private async Task<Totals> CloseMarketMonthAsync(MarketId market, ReportingMonth month, List<string> logs, CancellationToken ct)
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
                logs.Add($"Mismatch in {market} {month}: counter {counter.Trades} trades / {counter.Grams} g / {counter.Fen} fen, " +
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

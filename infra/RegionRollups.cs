using System.Threading.Channels;
using Azure;
using Azure.Data.Tables;
using Trading.Core;
using Trading.Core.Ledger;
using Trading.Core.Primitives;
using Trading.Core.Reporting;

namespace Trading.Infra;

/// <summary>
/// Figures per region prefix and month, flat in the number of markets (decision 0005). Table <c>rollups</c>: partition
/// <c>all</c> holds the country, partition <c>p{2 digits}</c> a province with its cities and counties; in each, a totals
/// row per prefix and month (<c>t|{prefix}|{yyyy-MM}</c>, per pollutant) and a copy mark per market-month
/// (<c>m|{yyyy-MM}|{market}</c>: the counter as copied). A copy adds (counter − copy mark) to the totals and moves the
/// mark, in one partition transaction under If-Match: done twice, it adds nothing.
/// Table <c>rollupmarks</c>: a pending mark per market write that changes a month counter, added before it commits and
/// removed once its market-month is copied. A reader adds, for each pending market-month, counter − copy mark: exact
/// at every moment, whatever has been copied yet.
/// </summary>
public sealed class RegionRollups(StorageContext storage, TableLedger ledger, TimeProvider time)
{
    /// <summary>
    /// A pending mark whose writer never said it committed is copied and removed once this old by the sweeper's clock:
    /// a write commits within it or never (it renews its mark every <see cref="Renewal"/>, each storage call gives up
    /// after about 30 s), with room for the 5 minutes of clock skew between instances allowed elsewhere.
    /// </summary>
    public static readonly TimeSpan Grace = TimeSpan.FromMinutes(10);

    /// <summary>A writer still retrying after this long writes its mark again, so the sweep does not take it for an abandoned one.</summary>
    public static readonly TimeSpan Renewal = TimeSpan.FromSeconds(60);

    private const string National = "all";
    private const string Meta = "meta";
    private const string ReadyRow = "ready";
    /// <summary>At most this many rows in one copy transaction (the service takes 100).</summary>
    private const int MaxActions = 100;

    private readonly Channel<Mark> _committed = Channel.CreateUnbounded<Mark>();
    private readonly Lock _gate = new();
    private Task? _started;
    private int _draining;
    private volatile bool _ready;

    /// <summary>
    /// A pending mark as its writer added it; after the commit, with the month counter the commit wrote (<see cref="Value"/>),
    /// which the copy then uses instead of reading the counter.
    /// </summary>
    public sealed record Mark(MarketId Market, ReportingMonth Month, string RowKey, ETag ETag, DateTimeOffset At)
    {
        public SourceCounter? Value { get; init; }
    }

    /// <summary>
    /// A market-month counter's trades, grams and fen, and where it stands in the counter's history (<see cref="Seq"/>): a
    /// live counter only grows, by at least one trade per write, so its trade count orders its values; a closed counter is
    /// its last value (a correction may lower it), after every live one.
    /// </summary>
    public readonly record struct SourceCounter(Totals Totals, long Seq)
    {
        public static SourceCounter Of(MonthCounter counter) =>
            new(new Totals(counter.Trades, counter.Grams, counter.Fen), counter.Closed ? long.MaxValue : counter.Trades);
    }

    /// <summary>
    /// Added before a change to the market-month's counter commits. Marks of the same province already copied, waiting to
    /// be removed (<see cref="ClearDelay"/>), are removed in the same transaction.
    /// </summary>
    public async Task<Mark> MarkAsync(MarketId market, ReportingMonth month, CancellationToken ct)
    {
        var at = time.GetUtcNow();
        var entity = new TableEntity(Province(market.Region.Value), $"{market.Key}|{month}|{Guid.NewGuid():N}") { ["At"] = at };
        var copied = TakeCopied(entity.PartitionKey);
        if (copied.Count > 0)
        {
            try
            {
                var actions = new List<TableTransactionAction> { new(TableTransactionActionType.Add, entity) };
                actions.AddRange(copied.Select(c => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(entity.PartitionKey, c.RowKey), c.ETag)));
                var responses = (await storage.RollupMarks.SubmitTransactionAsync(actions, ct)).Value;
                return new Mark(market, month, entity.RowKey, responses[0].Headers.ETag ?? ETag.All, at);
            }
            catch (Exception ex) when (ex is TableTransactionFailedException || StorageFault.Is(ex))
            {
                // A copied mark written again or gone (the sweep), or storage: the new mark alone, the copied ones as before.
                _ = ClearInBackgroundAsync(copied.Select(c => (entity.PartitionKey, c.RowKey, c.ETag)));
            }
        }
        var response = await storage.RollupMarks.AddEntityAsync(entity, ct);
        return new Mark(market, month, entity.RowKey, response.Headers.ETag ?? ETag.All, at);
    }

    /// <summary>
    /// How long a copied pending mark waits to be removed with the next mark added in its province (one transaction)
    /// before it is removed on its own. Meanwhile readers count it as pending: exact (counter − copy mark adds nothing
    /// more than the totals hold), at two reads.
    /// </summary>
    public static readonly TimeSpan ClearDelay = TimeSpan.FromMilliseconds(80);

    /// <summary>At most this many copied marks are removed with a new mark (the transaction takes 100 actions).</summary>
    private const int MaxClearedWithMark = 99;

    /// <summary>Copied pending marks per province, waiting to be removed.</summary>
    private readonly Dictionary<string, List<(string RowKey, ETag ETag)>> _copied = new(StringComparer.Ordinal);

    private List<(string RowKey, ETag ETag)> TakeCopied(string partition)
    {
        lock (_gate)
        {
            if (!_copied.TryGetValue(partition, out var waiting) || waiting.Count == 0) return [];
            var taken = waiting.Take(MaxClearedWithMark).ToList();
            waiting.RemoveRange(0, taken.Count);
            return taken;
        }
    }

    /// <summary>Copied marks wait for the next mark of their province; those still waiting after <see cref="ClearDelay"/> are removed on their own.</summary>
    private void ClearSoon(IEnumerable<(string Partition, string RowKey, ETag ETag)> marks)
    {
        var added = new List<(string Partition, string RowKey, ETag ETag)>();
        lock (_gate)
        {
            foreach (var m in marks)
            {
                if (!_copied.TryGetValue(m.Partition, out var waiting)) _copied[m.Partition] = waiting = [];
                waiting.Add((m.RowKey, m.ETag));
                added.Add(m);
            }
        }
        if (added.Count > 0) _ = ClearLaterAsync(added);
    }

    private async Task ClearLaterAsync(List<(string Partition, string RowKey, ETag ETag)> marks)
    {
        await Task.Delay(ClearDelay);
        var left = new List<(string, string, ETag)>();
        lock (_gate)
        {
            foreach (var m in marks)
                if (_copied.TryGetValue(m.Partition, out var waiting) && waiting.Remove((m.RowKey, m.ETag))) left.Add(m);
        }
        await ClearInBackgroundAsync(left);
    }

    private async Task ClearInBackgroundAsync(IEnumerable<(string Partition, string RowKey, ETag ETag)> marks)
    {
        try { await ClearAsync(marks, CancellationToken.None); }
        catch (Exception)
        {
            // The marks stay for the sweep; readers stay exact through them.
            Telemetry.RollupCopyFaults.Add(1);
        }
    }

    /// <summary>Written again by a writer still retrying after <see cref="Renewal"/>.</summary>
    public async Task<Mark> RenewAsync(Mark mark, CancellationToken ct)
    {
        var at = time.GetUtcNow();
        var response = await storage.RollupMarks.UpsertEntityAsync(
            new TableEntity(Province(mark.Market.Region.Value), mark.RowKey) { ["At"] = at }, TableUpdateMode.Replace, ct);
        return mark with { ETag = response.Headers.ETag ?? ETag.All, At = at };
    }

    /// <summary>
    /// The writer committed: its market-months are copied soon, in the background, and the marks removed. If this
    /// instance stops first, the sweep does it after <see cref="Grace"/>; readers are exact meanwhile.
    /// </summary>
    public void Committed(IEnumerable<Mark> marks)
    {
        foreach (var mark in marks) _committed.Writer.TryWrite(mark);
        if (Interlocked.CompareExchange(ref _draining, 1, 0) == 0) _ = Task.Run(DrainAsync);
    }

    private async Task DrainAsync()
    {
        while (true)
        {
            var batch = new List<Mark>();
            while (_committed.Reader.TryRead(out var mark)) batch.Add(mark);
            if (batch.Count == 0)
            {
                Volatile.Write(ref _draining, 0);
                // A mark queued between the last read and the reset would wait for the next commit: look once more.
                if (_committed.Reader.TryPeek(out _) && Interlocked.CompareExchange(ref _draining, 1, 0) == 0) continue;
                return;
            }
            try
            {
                // The newest committed counter of each market-month, as its writer knows it.
                var known = new Dictionary<(MarketId, ReportingMonth), SourceCounter>();
                foreach (var mark in batch)
                    if (mark.Value is { } value && (!known.TryGetValue((mark.Market, mark.Month), out var other) || other.Seq < value.Seq))
                        known[(mark.Market, mark.Month)] = value;
                await CopyAsync(batch.Select(m => (m.Market, m.Month)), CancellationToken.None, known);
                ClearSoon(batch.Select(m => (Province(m.Market.Region.Value), m.RowKey, m.ETag)));
            }
            catch (Exception)
            {
                // Whatever failed (storage, a sum beyond 64 bits), the marks stay for the sweep and readers stay exact
                // through them; the copier goes on with the next commits.
                Telemetry.RollupCopyFaults.Add(1);
            }
        }
    }

    /// <summary>Pending marks copied and cleared per budget step of <see cref="CatchUpAsync"/>.</summary>
    public const int CatchUpChunk = 200;

    /// <summary>
    /// The CopyRollups timer: builds the rollups from every market's month rows once (a cold start, or storage written
    /// before rollups existed), then copies and removes pending marks older than <see cref="Grace"/>, a chunk per step of
    /// <paramref name="budget"/>.
    /// </summary>

    public async Task<IReadOnlyList<string>> CatchUpAsync(CancellationToken ct, TimerBudget? budget = null)
    {
        budget ??= TimerBudget.Unbounded(time);
        var logs = new List<string>();
        if (!await IsReadyAsync(ct)) logs.Add(await BuildAsync(ct));
        var cutoff = time.GetUtcNow() - Grace;
        var stale = new List<(MarketId Market, ReportingMonth Month, string Partition, string RowKey, ETag ETag)>();
        await foreach (var row in storage.RollupMarks.QueryAsync<TableEntity>(cancellationToken: ct))
        {
            if ((row.GetDateTimeOffset("At") ?? DateTimeOffset.MinValue) >= cutoff || ParseMark(row.RowKey) is not { } parsed) continue;
            stale.Add((parsed.Market, parsed.Month, row.PartitionKey, row.RowKey, row.ETag));
        }
        // One budget step per chunk of marks (copied, then cleared); the marks of chunks not reached stay for the next run.
        var done = 0;
        foreach (var chunk in stale.Chunk(CatchUpChunk))
        {
            if (!budget.TrySpend()) break;
            await CopyAsync(chunk.Select(s => (s.Market, s.Month)), ct);
            await ClearAsync(chunk.Select(s => (s.Partition, s.RowKey, s.ETag)), ct);
            done += chunk.Length;
        }
        logs.Add($"{done} pending mark(s) older than {Grace.TotalMinutes:0} min copied and cleared.");
        if (budget.Stopped) logs.Add(budget.StoppedLine("CopyRollups"));
        return logs;
    }

    private async Task<string> BuildAsync(CancellationToken ct)
    {
        var markets = await ledger.MarketsAsync(RegionPrefix.All, ct);
        var monthsPerMarket = await Bounded.SelectAsync(markets, async market =>
        {
            var months = new List<(MarketId, ReportingMonth)>();
            var filter = TableClient.CreateQueryFilter($"PartitionKey eq {market.Key} and RowKey ge {LedgerRows.MonthFirst} and RowKey lt {LedgerRows.MonthLast}");
            await foreach (var row in storage.Ledger.QueryAsync<TableEntity>(filter, select: ["Month"], cancellationToken: ct))
                months.Add((market, ReportingMonth.Parse(row.GetString("Month"))));
            return months;
        }, Bounded.DefaultConcurrency, ct);
        var items = monthsPerMarket.SelectMany(m => m).ToList();
        await CopyAsync(items, ct);
        await storage.Rollups.UpsertEntityAsync(new TableEntity(Meta, ReadyRow) { ["At"] = time.GetUtcNow() }, TableUpdateMode.Replace, ct);
        _ready = true;
        return $"Rollups built from {markets.Count} market(s), {items.Count} market-month(s).";
    }

    /// <summary>
    /// Once per process, before its first request: on storage with no market yet, the rollups are complete from the
    /// start (every change to come is marked). On storage with markets and no rollups, CopyRollups builds them.
    /// </summary>
    public Task StartAsync(CancellationToken ct)
    {
        Task started;
        lock (_gate)
        {
            if (_started is null || _started.IsFaulted || _started.IsCanceled) _started = StartOnceAsync();
            started = _started;
        }
        return started.IsCompletedSuccessfully ? Task.CompletedTask : started.WaitAsync(ct);
    }

    private async Task StartOnceAsync()
    {
        if (await IsReadyAsync(CancellationToken.None)) return;
        var firstPage = await storage.Markets.QueryAsync<TableEntity>(maxPerPage: 1, select: ["RowKey"]).AsPages().FirstAsync(CancellationToken.None);
        if (firstPage.Values.Count > 0) return;
        await storage.Rollups.UpsertEntityAsync(new TableEntity(Meta, ReadyRow) { ["At"] = time.GetUtcNow() }, TableUpdateMode.Replace);
        _ready = true;
    }

    /// <summary>True once the rollups hold every market-month written before pending marks existed.</summary>
    public async Task<bool> IsReadyAsync(CancellationToken ct)
    {
        if (_ready) return true;
        var row = await storage.Rollups.GetEntityIfExistsAsync<TableEntity>(Meta, ReadyRow, select: ["RowKey"], cancellationToken: ct);
        return _ready = row.HasValue;
    }

    /// <summary>
    /// Copies market-months into the country's partition and their province's, in transactions of market-months of one
    /// month and one partition. Each transaction reads the totals and copy marks first, then the counters (so a counter
    /// is at least as new as any copy the partition holds of it), and commits under If-Match; a lost race reads again.
    /// </summary>
    /// <param name="known">
    /// Counters their writer committed: a copy that starts from rows this instance wrote last uses them instead of reading the
    /// counter, and only when its copy mark's <see cref="SourceCounter.Seq"/> is older (the If-Match of the transaction
    /// proves the mark still is): a copy mark never goes back to an older value of its counter.
    /// </param>
    public async Task CopyAsync(IEnumerable<(MarketId Market, ReportingMonth Month)> items, CancellationToken ct,
        IReadOnlyDictionary<(MarketId, ReportingMonth), SourceCounter>? known = null)
    {
        var list = items.Distinct().ToList();
        var groups = list
            .SelectMany(i => new[] { (Partition: National, i.Market, i.Month), (Partition: Province(i.Market.Region.Value), i.Market, i.Month) })
            .GroupBy(i => (i.Partition, i.Month))
            .SelectMany(g => Chunks(g.Key.Partition, g.Key.Month, g.Select(i => i.Market).ToList()))
            .ToList();
        // A large copy (the build, a month's close) reads in bulk first; a lost race reads that chunk again row by row.
        var preread = list.Count >= 50 ? await PrereadAsync(groups, ct) : null;
        // Counters read once for the country's copy and the province's, by the copies that start from rows this instance
        // wrote last (read before the counters, by construction); a copy that reads its rows reads its counters after them.
        var counters = new System.Collections.Concurrent.ConcurrentDictionary<(MarketId, ReportingMonth), Lazy<Task<SourceCounter>>>();
        Task<SourceCounter> Counter(MarketId market, ReportingMonth month) =>
            counters.GetOrAdd((market, month), key => new Lazy<Task<SourceCounter>>(() => CounterAsync(key.Item1, key.Item2, ct))).Value;
        // Different partitions in parallel; one partition's transactions in turn (they share its totals rows).
        var byPartition = groups.GroupBy(g => g.Partition).Select(g => g.ToList()).ToList();
        await Bounded.SelectAsync(byPartition, async chunks =>
        {
            foreach (var chunk in chunks) await CopyChunkAsync(chunk, preread, Counter, known, ct);
            return 0;
        }, Bounded.DefaultConcurrency, ct);
    }

    /// <summary>
    /// The totals rows and copy marks as this instance last wrote them, with their ETags: the next copy of the same
    /// market-months starts from them instead of reading them again. Safe because the copy commits under If-Match on each
    /// (Add for an absent one): if another copier moved any of them, the transaction fails and the copy reads them.
    /// </summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string Partition, string RowKey), TableEntity?> _written = new();

    /// <summary>Rows remembered at most (then forgotten all at once: the next copies read).</summary>
    private const int MaxRemembered = 100_000;

    private bool TryRemembered(Chunk chunk, out TableEntity?[] totals, out TableEntity?[] marks)
    {
        totals = new TableEntity?[chunk.Levels.Count];
        marks = new TableEntity?[chunk.Markets.Count];
        for (var i = 0; i < totals.Length; i++)
            if (!_written.TryGetValue((chunk.Partition, TotalsRow(chunk.Levels[i], chunk.Month)), out totals[i])) return false;
        for (var i = 0; i < marks.Length; i++)
            if (!_written.TryGetValue((chunk.Partition, MarkRow(chunk.Month, chunk.Markets[i])), out marks[i])) return false;
        return true;
    }

    /// <summary>The rows a copy started from (as read, or remembered); the rows it wrote replace them after its commit.</summary>
    private void Remember(Chunk chunk, TableEntity?[] totals, TableEntity?[] marks)
    {
        if (_written.Count > MaxRemembered) _written.Clear();
        for (var i = 0; i < chunk.Levels.Count; i++) _written[(chunk.Partition, TotalsRow(chunk.Levels[i], chunk.Month))] = totals[i];
        for (var i = 0; i < chunk.Markets.Count; i++) _written[(chunk.Partition, MarkRow(chunk.Month, chunk.Markets[i]))] = marks[i];
    }

    private void Forget(Chunk chunk)
    {
        foreach (var level in chunk.Levels) _written.TryRemove((chunk.Partition, TotalsRow(level, chunk.Month)), out _);
        foreach (var market in chunk.Markets) _written.TryRemove((chunk.Partition, MarkRow(chunk.Month, market)), out _);
    }

    /// <summary>What copies read, read in bulk: every rollup row they touch first, then the counters (the order a copy needs).</summary>
    private sealed record Preread(System.Collections.Concurrent.ConcurrentDictionary<(string Partition, string RowKey), TableEntity> Rows, IReadOnlyDictionary<(string Market, ReportingMonth Month), SourceCounter> Counters);

    private async Task<Preread> PrereadAsync(IReadOnlyList<Chunk> chunks, CancellationToken ct)
    {
        var rows = new System.Collections.Concurrent.ConcurrentDictionary<(string, string), TableEntity>();
        // Copy marks: one range query per partition over the months copied.
        await Bounded.SelectAsync(chunks.GroupBy(c => c.Partition).ToList(), async g =>
        {
            var (first, last) = (g.Min(c => c.Month), g.Max(c => c.Month));
            var filter = TableClient.CreateQueryFilter($"PartitionKey eq {g.Key} and RowKey ge {$"m|{first}|"} and RowKey lt {$"m|{last}|~"}");
            await foreach (var row in storage.Rollups.QueryAsync<TableEntity>(filter, cancellationToken: ct)) rows[(g.Key, row.RowKey)] = row;
            return 0;
        }, Bounded.DefaultConcurrency, ct);
        // Totals rows: point reads (one per prefix and month copied).
        var totals = chunks.SelectMany(c => c.Levels.Select(l => (c.Partition, RowKey: TotalsRow(l, c.Month)))).Distinct().ToList();
        await Bounded.SelectAsync(totals, async t =>
        {
            if (await ReadAsync(t.Partition, t.RowKey, ct) is { } row) rows[(t.Partition, t.RowKey)] = row;
            return 0;
        }, Bounded.DefaultConcurrency, ct);
        // Counters: a market's month rows in one range query.
        var counters = new System.Collections.Concurrent.ConcurrentDictionary<(string, ReportingMonth), SourceCounter>();
        var months = chunks.Where(c => c.Partition == National).SelectMany(c => c.Markets.Select(m => (m, c.Month))).GroupBy(x => x.m).ToList();
        await Bounded.SelectAsync(months, async g =>
        {
            var (first, last) = (g.Min(x => x.Month), g.Max(x => x.Month));
            var filter = TableClient.CreateQueryFilter($"PartitionKey eq {g.Key.Key} and RowKey ge {LedgerRows.Month(first)} and RowKey le {LedgerRows.Month(last)}");
            await foreach (var row in storage.Ledger.QueryAsync<TableEntity>(filter, select: ["Month", "Trades", "Grams", "Fen", "Closed"], cancellationToken: ct))
            {
                var counter = LedgerRows.ToMonth(ReportingMonth.Parse(row.GetString("Month")), row);
                counters[(g.Key.Key, counter.Month)] = SourceCounter.Of(counter);
            }
            return 0;
        }, Bounded.DefaultConcurrency, ct);
        return new Preread(rows, counters);
    }

    private sealed record Chunk(string Partition, ReportingMonth Month, IReadOnlyList<MarketId> Markets, IReadOnlyList<RegionPrefix> Levels);

    /// <summary>Market-months of one partition and month, as many per transaction as their marks and totals rows fit.</summary>
    private static IEnumerable<Chunk> Chunks(string partition, ReportingMonth month, IReadOnlyList<MarketId> markets)
    {
        var current = new List<MarketId>();
        var levels = new HashSet<RegionPrefix>();
        foreach (var market in markets.OrderBy(m => m.Key, StringComparer.Ordinal))
        {
            var mine = LevelsIn(partition, market);
            if (current.Count + 1 + levels.Union(mine).Count() > MaxActions)
            {
                yield return new Chunk(partition, month, current, levels.ToList());
                (current, levels) = ([], []);
            }
            current.Add(market);
            levels.UnionWith(mine);
        }
        if (current.Count > 0) yield return new Chunk(partition, month, current, levels.ToList());
    }

    private static IEnumerable<RegionPrefix> LevelsIn(string partition, MarketId market) =>
        partition == National ? [RegionPrefix.All] : RegionMonth.LevelsOf(market.Region).Skip(1);

    private async Task CopyChunkAsync(Chunk chunk, Preread? preread, Func<MarketId, ReportingMonth, Task<SourceCounter>> counter,
        IReadOnlyDictionary<(MarketId, ReportingMonth), SourceCounter>? known, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            TableEntity?[] totals, marks;
            SourceCounter[] counters;
            // Market-months whose copy mark already holds the known counter or a newer one: nothing to copy.
            var covered = new bool[chunk.Markets.Count];
            var remembered = false;
            if (attempt == 1 && preread is not null)
            {
                totals = chunk.Levels.Select(l => preread.Rows.GetValueOrDefault((chunk.Partition, TotalsRow(l, chunk.Month)))).ToArray();
                marks = chunk.Markets.Select(m => preread.Rows.GetValueOrDefault((chunk.Partition, MarkRow(chunk.Month, m)))).ToArray();
                counters = chunk.Markets.Select(m => preread.Counters.GetValueOrDefault((m.Key, chunk.Month), new SourceCounter(Totals.Zero, 0))).ToArray();
            }
            else if (attempt == 1 && TryRemembered(chunk, out totals, out marks))
            {
                remembered = true;
                var rememberedMarks = marks;
                counters = await Task.WhenAll(chunk.Markets.Select(async (m, i) =>
                {
                    // The counter its writer committed, against the copy mark as this instance last wrote it (a mark
                    // written before marks held their Seq: the counter is read).
                    if (known is null || !known.TryGetValue((m, chunk.Month), out var value) || rememberedMarks[i] is { } old && SeqOf(old) is null)
                        return await counter(m, chunk.Month);
                    covered[i] = rememberedMarks[i] is { } mark && SeqOf(mark) >= value.Seq;
                    return value;
                }));
            }
            else
            {
                var totalsTask = Bounded.SelectAsync(chunk.Levels, l => ReadAsync(chunk.Partition, TotalsRow(l, chunk.Month), ct), Bounded.DefaultConcurrency, ct);
                marks = await Bounded.SelectAsync(chunk.Markets, m => ReadAsync(chunk.Partition, MarkRow(chunk.Month, m), ct), Bounded.DefaultConcurrency, ct);
                totals = await totalsTask;
                counters = await Bounded.SelectAsync(chunk.Markets, m => CounterAsync(m, chunk.Month, ct), Bounded.DefaultConcurrency, ct);
            }

            var rollups = chunk.Levels.Select((l, i) => totals[i] is { } row ? ToRegionMonth(l, chunk.Month, row) : RegionMonth.Empty(l, chunk.Month)).ToList();
            var changed = new bool[rollups.Count];
            var actions = new List<TableTransactionAction>();
            var unsure = false;
            for (var i = 0; i < chunk.Markets.Count; i++)
            {
                if (covered[i]) continue;
                var market = chunk.Markets[i];
                var copy = new PendingCopy(market, chunk.Month, marks[i] is { } mark ? ToTotals(mark) : Totals.Zero, counters[i].Totals);
                if (copy.Delta == Totals.Zero && (marks[i] is not null || copy.Counter == Totals.Zero))
                {
                    unsure = true;
                    continue;
                }
                for (var l = 0; l < rollups.Count; l++)
                {
                    if (!market.Region.IsWithin(rollups[l].Region)) continue;
                    rollups[l] = rollups[l].With(market.Pollutant, copy.Delta);
                    changed[l] = true;
                }
                actions.Add(Write(MarkEntity(chunk.Partition, chunk.Month, market, copy.Counter, counters[i].Seq), marks[i]));
            }
            if (actions.Count == 0 && remembered && unsure)
            {
                // Nothing to add by what this instance remembers: make sure by what storage holds.
                Forget(chunk);
                continue;
            }
            if (actions.Count == 0)
            {
                Remember(chunk, totals, marks);
                return;
            }
            for (var l = 0; l < rollups.Count; l++)
                if (changed[l]) actions.Add(Write(TotalsEntity(chunk.Partition, rollups[l]), totals[l]));
            try
            {
                var responses = (await storage.Rollups.SubmitTransactionAsync(actions, ct)).Value;
                Remember(chunk, totals, marks);
                for (var i = 0; i < actions.Count; i++)
                    if (actions[i].Entity is TableEntity written && responses[i].Headers.ETag is { } writtenETag)
                        _written[(chunk.Partition, written.RowKey)] = new TableEntity(written) { ETag = writtenETag };
                // The next chunk of this partition and month starts from the totals just written.
                if (preread is not null)
                    for (var i = 0; i < actions.Count; i++)
                        if (actions[i].Entity is TableEntity { RowKey: ['t', ..] } written && responses[i].Headers.ETag is { } etag)
                        {
                            written.ETag = etag;
                            preread.Rows[(chunk.Partition, written.RowKey)] = written;
                        }
                return;
            }
            catch (TableTransactionFailedException ex) when (ex.Status is 409 or 412 && attempt < 30)
            {
                Forget(chunk);
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(2, 5 * Math.Min(attempt, 20))), ct);
            }
        }
    }

    private static TableTransactionAction Write(TableEntity entity, TableEntity? existing) => existing is null
        ? new TableTransactionAction(TableTransactionActionType.Add, entity)
        : new TableTransactionAction(TableTransactionActionType.UpdateReplace, entity, existing.ETag);

    private async Task ClearAsync(IEnumerable<(string Partition, string RowKey, ETag ETag)> marks, CancellationToken ct)
    {
        await Bounded.SelectAsync(marks.ToList(), async m =>
        {
            try { await storage.RollupMarks.DeleteEntityAsync(m.Partition, m.RowKey, m.ETag, ct); }
            catch (RequestFailedException ex) when (ex.Status is 404 or 412)
            {
                // Gone already, or written again by a writer still retrying: it stays for its next copy.
            }
            return 0;
        }, Bounded.DefaultConcurrency, ct);
    }

    /// <summary>
    /// A region's figures for a range of months, exact now: its totals rows plus what pending market-months add. The
    /// totals are read again at the end; if a copy moved them meanwhile, the read starts over. Null before the rollups
    /// are built, or when copies kept moving the totals (the caller reads the markets instead).
    /// </summary>
    public async Task<IReadOnlyList<PollutantMonth>?> ReadAsync(RegionPrefix region, ReportingMonth from, ReportingMonth to, CancellationToken ct)
    {
        if (!await IsReadyAsync(ct)) return null;
        var partition = region.Value.Length == 0 ? National : Province(region.Value);
        for (var attempt = 1; attempt <= MaxReadAttempts; attempt++)
        {
            // Pending marks first, totals after: a change whose mark is already gone was copied before the totals are read.
            var pending = await PendingAsync(region, from, to, ct);
            var totals = await TotalsAsync(partition, region, from, to, ct);
            if (pending.Count == 0) return RegionMonth.Current(totals.Select(t => ToRegionMonth(region, MonthOf(t.RowKey), t)), []);
            var copies = await Bounded.SelectAsync(pending, async p =>
            {
                var mark = await ReadAsync(partition, MarkRow(p.Month, p.Market), ct);
                return new PendingCopy(p.Market, p.Month, mark is null ? Totals.Zero : ToTotals(mark), (await CounterAsync(p.Market, p.Month, ct)).Totals);
            }, Bounded.DefaultConcurrency, ct);
            if (SameVersions(totals, await TotalsAsync(partition, region, from, to, ct)))
                return RegionMonth.Current(totals.Select(t => ToRegionMonth(region, MonthOf(t.RowKey), t)), copies);
            // A copy landed meanwhile; copies come in bursts after commits, so a moment later is usually quiet.
            await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 25 * attempt)), ct);
        }
        // Copies kept moving the totals under this read (heavy trading in the region): the markets' own rows, read one by one, are exact too.
        return null;
    }

    /// <summary>Reads of a region's rollups tried before the reader falls back to its markets' rows.</summary>
    private const int MaxReadAttempts = 4;

    private static bool SameVersions(List<TableEntity> a, List<TableEntity> b) =>
        a.Count == b.Count && a.Zip(b).All(p => p.First.RowKey == p.Second.RowKey && p.First.ETag == p.Second.ETag);

    private async Task<List<TableEntity>> TotalsAsync(string partition, RegionPrefix region, ReportingMonth from, ReportingMonth to, CancellationToken ct)
    {
        var rows = new List<TableEntity>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey ge {TotalsRow(region, from)} and RowKey le {TotalsRow(region, to)}");
        await foreach (var row in storage.Rollups.QueryAsync<TableEntity>(filter, cancellationToken: ct)) rows.Add(row);
        return rows;
    }

    /// <summary>The market-months under the prefix with a pending mark, in the range.</summary>
    private async Task<List<(MarketId Market, ReportingMonth Month)>> PendingAsync(RegionPrefix region, ReportingMonth from, ReportingMonth to, CancellationToken ct)
    {
        var filter = region.Value.Length == 0 ? null : TableClient.CreateQueryFilter(
            $"PartitionKey eq {Province(region.Value)} and RowKey ge {region.Value} and RowKey lt {region.Value + "~"}");
        var result = new HashSet<(MarketId, ReportingMonth)>();
        await foreach (var row in storage.RollupMarks.QueryAsync<TableEntity>(filter, select: ["RowKey"], cancellationToken: ct))
            if (ParseMark(row.RowKey) is { } m && m.Month >= from && m.Month <= to) result.Add(m);
        return result.ToList();
    }

    private async Task<SourceCounter> CounterAsync(MarketId market, ReportingMonth month, CancellationToken ct)
    {
        var row = await storage.Ledger.GetEntityIfExistsAsync<TableEntity>(market.Key, LedgerRows.Month(month), select: ["Trades", "Grams", "Fen", "Closed"],
            cancellationToken: ct);
        return SourceCounter.Of(LedgerRows.ToMonth(month, row.HasValue ? row.Value : null));
    }

    /// <summary>Where the counter a copy mark holds stands in its history; null for a mark written before marks held it.</summary>
    private static long? SeqOf(TableEntity mark) => mark.GetInt64("Seq");

    private async Task<TableEntity?> ReadAsync(string partition, string rowKey, CancellationToken ct)
    {
        var row = await storage.Rollups.GetEntityIfExistsAsync<TableEntity>(partition, rowKey, cancellationToken: ct);
        return row.HasValue ? row.Value : null;
    }

    private static (MarketId Market, ReportingMonth Month)? ParseMark(string rowKey)
    {
        var parts = rowKey.Split('|');
        return parts.Length == 3 && MarketId.TryParse(parts[0], out var market) && ReportingMonth.TryParse(parts[1], out var month, out _)
            ? (market.Value, month) : null;
    }

    private static string Province(string region) => "p" + region[..2];
    private static string TotalsRow(RegionPrefix region, ReportingMonth month) => $"t|{region.Value}|{month}";
    private static string MarkRow(ReportingMonth month, MarketId market) => $"m|{month}|{market.Key}";
    private static ReportingMonth MonthOf(string totalsRow) => ReportingMonth.Parse(totalsRow[(totalsRow.LastIndexOf('|') + 1)..]);

    private static TableEntity MarkEntity(string partition, ReportingMonth month, MarketId market, Totals counter, long seq)
    {
        var entity = new TableEntity(partition, MarkRow(month, market)) { ["Seq"] = seq };
        Put(entity, "", counter);
        return entity;
    }

    private static Totals ToTotals(TableEntity e) => Get(e, "");

    /// <summary>Trades, grams and fen as <c>{prefix}Trades</c>, <c>{prefix}Grams</c>, <c>{prefix}Fen</c> (see <see cref="WideColumns"/>).</summary>
    internal static void Put(TableEntity entity, string prefix, Totals totals)
    {
        WideColumns.Put(entity, $"{prefix}Trades", totals.Trades);
        WideColumns.Put(entity, $"{prefix}Grams", totals.Grams);
        WideColumns.Put(entity, $"{prefix}Fen", totals.Fen);
    }

    internal static Totals Get(TableEntity e, string prefix) =>
        new(WideColumns.Get(e, $"{prefix}Trades"), WideColumns.Get(e, $"{prefix}Grams"), WideColumns.Get(e, $"{prefix}Fen"));

    internal static TableEntity TotalsEntity(string partition, RegionMonth rollup)
    {
        var entity = new TableEntity(partition, TotalsRow(rollup.Region, rollup.Month));
        foreach (var (pollutant, totals) in rollup.ByPollutant) Put(entity, pollutant.ToString(), totals);
        return entity;
    }

    internal static RegionMonth ToRegionMonth(RegionPrefix region, ReportingMonth month, TableEntity e) => new(region, month,
        Pollutants.All.Where(p => e.ContainsKey($"{p}Trades"))
            .ToDictionary(p => p, p => Get(e, p.ToString())));
}

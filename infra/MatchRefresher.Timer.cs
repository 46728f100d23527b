using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Trading.Core.Enterprises;
using Trading.Core.Finance;
using Trading.Core.Ledger;
using Trading.Core.Primitives;

namespace Trading.Infra;

/// <summary>
/// The RefreshMatches timer: bounded by a <see cref="TimerBudget"/> and resumable, never costing more than a full refresh.
/// <para>
/// A run first collects what became due since the last one into dirty marks (firms whose grade lapsed, holders of markets
/// whose 12-month price moved), then works the marks off in pieces, each piece asked of the budget and each finished (its
/// pairs written, then its marks deleted under If-Match) before the next. Few dirty firms are read one by one (their row,
/// holdings and by-firm pairs: about 7 ms each); many (or product edits whose regions add up to more than every firm)
/// are read in bulk as a <em>pass</em> over the by-region copy (pages of up to 1,000 firms, about 0.15 ms each),
/// evaluating the marked firms against every product and every other firm against the marked products only; one edited
/// product is a pass over the regions it serves, against that product only. A pass keeps its cursor (the page's
/// continuation token) in <c>matchstate</c> (partition <c>run</c>, row <c>pass</c>), so the next run goes on from the
/// page after the last one written. A full refresh (a cold start, or after a long gap) is such a pass over every firm
/// and product.
/// </para>
/// </summary>
public sealed partial class MatchRefresher
{
    private const string PassRow = "pass";

    /// <summary>Firms per one-by-one piece (smaller in tests, to stop runs at more points).</summary>
    public int FirmChunk { get; set; } = 64;

    /// <summary>Firms per page of a pass (the storage's largest page; smaller in tests, to stop runs at more points).</summary>
    public int PageSize { get; set; } = 1000;

    /// <summary>
    /// Dirty firms are read in bulk when they are at least this fraction (1/n) of all firms: one by one a firm costs about
    /// 45 times what it costs in a pass (7 ms against 0.15 ms, docs/performance.md), so at 1/64 one by one costs about 70 %
    /// of reading every firm.
    /// </summary>
    public const int BulkDivisor = 64;

    /// <summary>Below this many dirty firms, one by one always (a pass has fixed costs: the products' and by-firm pairs).</summary>
    public const int MinBulkFirms = 32;

    /// <summary>With no count of firms yet (storage refreshed by an older version), a pass from this many dirty firms.</summary>
    public const int BulkFirmsWithoutCount = 1000;

    private const string Full = "full";
    private const string Bulk = "bulk";
    private const string OneProduct = "product";

    /// <summary>What the run row and the pass row hold.</summary>
    private sealed record RunState(DateOnly? Date, long? Firms, Pass? Pass);

    /// <summary>A pass over the by-region copy in progress: its ranges, products (with their marks' ETags at its start) and cursor.</summary>
    private sealed class Pass
    {
        public string Kind { get; init; } = Bulk;
        public List<string> Ranges { get; init; } = [""];
        public Dictionary<string, string> Products { get; init; } = new(StringComparer.Ordinal);
        public int RangeIndex { get; set; }
        public string? Token { get; set; }
        public long Count { get; set; }
        public DateOnly StartDate { get; init; }

        /// <summary>Started by this run (not stored): the marks read at this run's start then cover all of it.</summary>
        public bool StartedHere { get; init; }
    }

    /// <summary>What a run did, added up over its pieces.</summary>
    private sealed class Tally
    {
        public int Firms, Products, Pairs, Written, Deleted, Drained;
        public void Add((int Written, int Deleted, int Pairs) r) { Written += r.Written; Deleted += r.Deleted; Pairs += r.Pairs; }
        public RefreshReport Report(string kind, int products, Phases phases) =>
            new(kind, products, Firms, Products, Pairs, Written, Deleted, Drained, phases.ToString());
    }

    /// <summary>The RefreshMatches timer: one run under the configured budget (incremental after a recorded run, full on a cold start).</summary>
    public async Task<IReadOnlyList<string>> RefreshAllAsync(CancellationToken ct)
    {
        var budget = budgets.Start();
        var report = await RunAsync(budget, ct);
        return budget.Stopped ? [report.ToString(), budget.StoppedLine("the refresh of loan matches")] : [report.ToString()];
    }

    /// <summary>One run under <paramref name="budget"/>: continues a pass in progress, else full or incremental as the run record says.</summary>
    public async Task<RefreshReport> RunAsync(TimerBudget budget, CancellationToken ct)
    {
        var state = await StateAsync(ct);
        var today = Today();
        if (state.Pass is { Kind: Full } || state.Date is not { } last || today.DayNumber - last.DayNumber is < 0 or > MaxIncrementalDays)
            return await FullAsync(state.Pass is { Kind: Full } p ? p : null, budget, ct);
        return await IncrementalAsync(state, last, budget, ct);
    }

    /// <summary>Re-evaluates every product against every enterprise and repairs both tables, unbounded and from the start.</summary>
    public Task<RefreshReport> RefreshFullAsync(CancellationToken ct) => FullAsync(null, TimerBudget.Unbounded(time), ct);

    private async Task<RefreshReport> FullAsync(Pass? resumed, TimerBudget budget, CancellationToken ct)
    {
        var phases = new Phases();
        var tally = new Tally();
        // No step asked before the pages: a run allowed one step always gets a page (or the last piece) done.
        var marks = await DirtyMarksAsync(ct);
        var all = await products.ListAsync(null, ct);
        var pass = resumed ?? new Pass
        {
            Kind = Full, StartDate = Today(), StartedHere = true,
            Products = marks.Where(m => m.RowKey.StartsWith(MatchMarks.ProductPrefix, StringComparison.Ordinal))
                .ToDictionary(m => m.RowKey[MatchMarks.ProductPrefix.Length..], m => m.ETag.ToString(), StringComparer.Ordinal),
        };
        // Prices of every pledge market, read again by each run of the pass (a market that moves meanwhile keeps its mark).
        var pledgeMarkets = await PledgeMarketsAsync(all, ct);
        var prices = await ledger.PricesAsync(pledgeMarkets, Today(), ct);
        phases.Mark("prices");
        var processed = new HashSet<string>(StringComparer.Ordinal);
        var done = await RunPassAsync(pass, all, prices, marks, processed, budget, tally, phases, ct);
        if (!done) return tally.Report(Full, all.Count, phases);

        await StorePricesAsync(prices, pledgeMarkets, ct);
        // Marks: those of products and firms evaluated are drained by the pass; markets' (and firms without a by-region
        // copy) only when the whole pass ran in this run, after the marks were read.
        if (pass.StartedHere)
            tally.Drained += await DrainAsync(marks.Where(m => !m.RowKey.StartsWith(MatchMarks.ProductPrefix, StringComparison.Ordinal)
                && !(m.RowKey.StartsWith(MatchMarks.FirmPrefix, StringComparison.Ordinal) && processed.Contains(m.RowKey[MatchMarks.FirmPrefix.Length..]))).ToList(), ct);
        await RecordAsync(new TableEntity(RunPartition, RunRow)
        {
            ["Date"] = pass.StartDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["At"] = time.GetUtcNow(),
            ["Firms"] = pass.Count,
        }, ct);
        phases.Mark("prices, marks");
        return tally.Report(Full, all.Count, phases);
    }

    private async Task<RefreshReport> IncrementalAsync(RunState state, DateOnly lastDate, TimerBudget budget, CancellationToken ct)
    {
        var phases = new Phases();
        var tally = new Tally();
        var today = Today();
        var marks = await DirtyMarksAsync(ct);
        // A new date moves every price window; a marked market its own.
        if (lastDate != today || marks.Any(m => m.RowKey.StartsWith(MatchMarks.MarketPrefix, StringComparison.Ordinal)))
        {
            if (!budget.TrySpend()) return tally.Report("incremental", 0, phases);
            tally.Drained += await CollectAsync(lastDate, today, marks, ct);
            marks = await DirtyMarksAsync(ct);
            phases.Mark("marks, prices, expiries");
        }
        if (marks.Count == 0 && state.Pass is null)
        {
            // Nothing due: no product, firm or market listed, nothing written.
            phases.Mark("idle");
            return tally.Report("incremental", 0, phases);
        }

        var all = await products.ListAsync(null, ct);
        var byKey = all.ToDictionary(p => p.Key, StringComparer.Ordinal);
        var stored = await StoredPricesAsync(ct);
        var prices = stored.Prices;
        if (marks.Any(m => m.RowKey.StartsWith(MatchMarks.ProductPrefix, StringComparison.Ordinal)))
        {
            // A marked product may value rights of markets never priced yet (a new pledge pollutant): priced and stored now.
            var unpriced = (await PledgeMarketsAsync(all, ct)).Where(m => !stored.Known.Contains(m.Key)).ToList();
            if (unpriced.Count > 0)
            {
                var fresh = await ledger.PricesAsync(unpriced, today, ct);
                foreach (var (m, price) in fresh) prices[m] = price;
                await StorePricesAsync(fresh, unpriced, ct);
            }
        }
        var firmMarks = new Dictionary<string, ETag>(StringComparer.Ordinal);
        var productMarks = new Dictionary<string, ETag>(StringComparer.Ordinal);
        foreach (var (rk, etag) in marks)
        {
            if (rk.StartsWith(MatchMarks.FirmPrefix, StringComparison.Ordinal)) firmMarks[rk[MatchMarks.FirmPrefix.Length..]] = etag;
            else if (rk.StartsWith(MatchMarks.ProductPrefix, StringComparison.Ordinal)) productMarks[rk[MatchMarks.ProductPrefix.Length..]] = etag;
        }
        // A mark of a product that no longer exists has nothing to evaluate.
        var gone = productMarks.Where(p => !byKey.ContainsKey(p.Key)).Select(p => (MatchMarks.Product(p.Key), p.Value)).ToList();
        tally.Drained += await DrainAsync(gone, ct);

        var processedFirms = new HashSet<string>(StringComparer.Ordinal);
        var processedProducts = new HashSet<string>(gone.Select(g => g.Item1[MatchMarks.ProductPrefix.Length..]), StringComparer.Ordinal);
        var pass = state.Pass;
        var passedAll = false;
        phases.Mark("products, prices");
        while (true)
        {
            if (pass is null)
            {
                var firms = firmMarks.Keys.Where(c => !processedFirms.Contains(c)).ToList();
                var edited = productMarks.Keys.Where(k => !processedProducts.Contains(k)).Order(StringComparer.Ordinal).Select(k => byKey[k]).ToList();
                if (firms.Count == 0 && edited.Count == 0) break;
                // After a pass over every firm started by this run, the marked firms it did not meet (no by-region copy) go one by one.
                if (!passedAll && (UseBulk(firms.Count, state.Firms) || ScopeWeight(edited) > 1.0))
                    pass = new Pass
                    {
                        Kind = Bulk, StartDate = today, StartedHere = true,
                        Products = edited.ToDictionary(p => p.Key, p => productMarks[p.Key].ToString(), StringComparer.Ordinal),
                    };
                else if (edited.Count > 0)
                    pass = new Pass
                    {
                        Kind = OneProduct, StartDate = today, StartedHere = true, Ranges = TopRegions(edited[0]),
                        Products = new(StringComparer.Ordinal) { [edited[0].Key] = productMarks[edited[0].Key].ToString() },
                    };
                else
                {
                    foreach (var chunk in firms.Chunk(FirmChunk))
                    {
                        if (!budget.TrySpend()) return tally.Report("incremental", all.Count, phases);
                        tally.Add(await RefreshFirmsCoreAsync(chunk, all, prices, time.GetUtcNow(), ct));
                        tally.Firms += chunk.Length;
                        tally.Drained += await DrainAsync(chunk.Select(c => (MatchMarks.Firm(c), firmMarks[c])).ToList(), ct);
                        processedFirms.UnionWith(chunk);
                    }
                    phases.Mark($"{firms.Count} firm(s) one by one");
                    continue;
                }
            }
            var done = await RunPassAsync(pass, all, prices, marks, processedFirms, budget, tally, phases, ct);
            if (!done) return tally.Report("incremental", all.Count, phases);
            if (pass.Kind == Bulk && pass.Ranges is [""]) state = state with { Firms = pass.Count };
            processedProducts.UnionWith(pass.Products.Keys);
            // A pass resumed from an earlier run did not meet the firms marked since before its cursor: the loop decides again.
            passedAll |= pass.StartedHere && pass.Kind == Bulk && pass.Ranges is [""];
            pass = null;
        }
        await RecordAsync(new TableEntity(RunPartition, RunRow) { ["At"] = time.GetUtcNow() }, ct);
        return tally.Report("incremental", all.Count, phases);
    }

    private static bool UseBulk(int dirtyFirms, long? firms) =>
        firms is { } n ? dirtyFirms >= MinBulkFirms && (long)dirtyFirms * BulkDivisor >= n : dirtyFirms >= BulkFirmsWithoutCount;

    /// <summary>
    /// About how many times the edited products' passes would read all firms: a nationwide product 1, a province ¼, a
    /// city 1/32, a county 1/256 (rough shares of a national register). Above 1, one pass over every firm, evaluated
    /// against the edited products only, reads less than one pass per product.
    /// </summary>
    private static double ScopeWeight(IEnumerable<LoanProduct> edited) =>
        edited.Sum(p => TopRegions(p).Sum(r => r.Length switch { 0 => 1.0, 2 => 0.25, 4 => 1.0 / 32, _ => 1.0 / 256 }));

    /// <summary>The regions a product serves, without those another of them covers (all firms: the empty prefix).</summary>
    private static List<string> TopRegions(LoanProduct product) =>
        product.Regions.Count == 0 ? [""]
            : product.Regions.Where(r => !product.Regions.Any(o => o != r && o.Covers(r))).Select(r => r.Value).Distinct().Order(StringComparer.Ordinal).ToList();

    /// <summary>
    /// Turns what became due since the last run into firm marks: holders of pledge markets whose price moved (every such
    /// market on a new date, the marked ones within a day) and firms whose grade lapsed (the expiry index); then stores the
    /// prices, records today's date and drains the market marks. Lists the product and market catalogues only when a
    /// product or market is marked (or no price was ever stored): otherwise the markets are those of the stored prices.
    /// One piece of the budget; the date it records keeps the next run (same date) from collecting again.
    /// </summary>
    private async Task<int> CollectAsync(DateOnly lastDate, DateOnly today, IReadOnlyList<(string RowKey, ETag ETag)> marks, CancellationToken ct)
    {
        var marketMarks = marks.Where(m => m.RowKey.StartsWith(MatchMarks.MarketPrefix, StringComparison.Ordinal)).ToList();
        var marked = marketMarks.Select(m => m.RowKey[MatchMarks.MarketPrefix.Length..]).ToHashSet(StringComparer.Ordinal);
        var stored = await StoredPricesAsync(ct);
        List<MarketId> pledgeMarkets;
        if (marketMarks.Count > 0 || stored.Known.Count == 0 || marks.Any(m => m.RowKey.StartsWith(MatchMarks.ProductPrefix, StringComparison.Ordinal)))
            pledgeMarkets = await PledgeMarketsAsync(await products.ListAsync(null, ct), ct);
        else
            pledgeMarkets = stored.Known.Select(k => MarketId.TryParse(k, out var m) ? m : (MarketId?)null).OfType<MarketId>().ToList();
        var recompute = pledgeMarkets.Where(m => today != lastDate || marked.Contains(m.Key) || !stored.Known.Contains(m.Key)).ToList();
        var fresh = await ledger.PricesAsync(recompute, today, ct);
        var moved = recompute.Where(m => stored.Prices.TryGetValue(m, out var before) ? !fresh.TryGetValue(m, out var after) || after != before : fresh.ContainsKey(m)).ToList();
        var firms = new HashSet<string>(StringComparer.Ordinal);
        foreach (var holders in await Bounded.SelectAsync(moved, m => ledger.HoldersOfMarketAsync(m, ct), Concurrency, ct)) firms.UnionWith(holders);
        var days = Enumerable.Range(1, Math.Max(0, today.DayNumber - lastDate.DayNumber)).Select(i => lastDate.AddDays(i)).ToList();
        foreach (var expired in await Bounded.SelectAsync(days, d => KeysOfAsync(storage.MatchState, MatchMarks.ExpiryPartition(d), ct), Concurrency, ct))
            firms.UnionWith(expired);
        // Marks first: a run cut off after them finds them; the date recorded last, so a cut-off run collects again.
        if (firms.Count > 0) await MatchMarks.MarkAsync(storage, firms.Select(MatchMarks.Firm), ct);
        await StorePricesAsync(fresh, recompute, ct);
        await RecordAsync(new TableEntity(RunPartition, RunRow) { ["Date"] = today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) }, ct);
        return await DrainAsync(marketMarks, ct);
    }

    /// <summary>
    /// Runs a pass from its cursor to its end, one page per piece of the budget; false when the budget stopped it (its
    /// cursor stored after the last page written). Each page: the firms evaluated (in a full pass all of them against every
    /// product; otherwise the marked firms not yet done against every product, the others against the pass's products),
    /// compared with the stored pairs of the same scope (the pass's product partitions, read once per run, and the marked
    /// firms' by-firm rows, from one scan of that table per run), the differences written, then the page's firm marks
    /// drained. The last piece: rows of the pass's products outside what the pages covered, the products' as-of rows and
    /// marks (If-Match on their ETags at the pass's start).
    /// </summary>
    private async Task<bool> RunPassAsync(Pass pass, IReadOnlyList<LoanProduct> all, IReadOnlyDictionary<MarketId, MarketPrice> prices,
        IReadOnlyList<(string RowKey, ETag ETag)> marks, HashSet<string> processedFirms, TimerBudget budget, Tally tally, Phases phases, CancellationToken ct)
    {
        var full = pass.Kind == Full;
        var firmsMode = pass.Kind != OneProduct;
        var passProducts = full ? all.ToList() : all.Where(p => pass.Products.ContainsKey(p.Key)).ToList();
        var firmMarks = marks.Where(m => m.RowKey.StartsWith(MatchMarks.FirmPrefix, StringComparison.Ordinal))
            .ToDictionary(m => m.RowKey[MatchMarks.FirmPrefix.Length..], m => m.ETag, StringComparer.Ordinal);
        var evaluated = firmsMode ? all : passProducts;
        var pledgeMarkets = await PledgeMarketsAsync(evaluated, ct);
        var holdings = pledgeMarkets.Count == 0 ? [] : await ledger.HoldingsInMarketsAsync(pledgeMarkets, ct);
        var holdingsOf = (Enterprise f) => (IReadOnlyList<MarketHolding>?)holdings.GetValueOrDefault(f.CreditCode.Value) ?? [];

        // What is stored for the pass's scope, read once per run: the products' partitions, and in a pass with firms the by-firm table.
        var byProduct = await Bounded.SelectAsync(passProducts, p => QueryAsync(storage.Matches, p.Key, ct), Concurrency, ct);
        var matchRows = GroupByCode(byProduct.SelectMany(r => r).Where(r => r.RowKey != AsOfRow), r => r.GetString("CreditCode"));
        var byFirmRows = new Dictionary<string, List<TableEntity>>(StringComparer.Ordinal);
        if (firmsMode && (full || firmMarks.Keys.Any(c => !processedFirms.Contains(c))))
        {
            var rows = new List<TableEntity>();
            await foreach (var row in storage.MatchesByFirm.QueryAsync<TableEntity>(cancellationToken: ct)) rows.Add(row);
            byFirmRows = GroupByCode(rows, r => r.PartitionKey);
        }
        phases.Mark($"{pass.Kind} pass: holdings, stored pairs");

        var allIndex = new ProductIndex(all);
        var passIndex = new ProductIndex(passProducts);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pages = 0;
        while (pass.RangeIndex < pass.Ranges.Count)
        {
            if (!budget.TrySpend())
            {
                phases.Mark($"{pass.Kind} pass: {pages} page(s), stopped");
                return false;
            }
            var (page, next) = await FirmPageAsync(pass.Ranges[pass.RangeIndex], pass.Token, ct);
            var firms = page.DistinctBy(f => f.CreditCode.Value).ToList();
            var dirty = firms.Where(f => full || (firmsMode && firmMarks.ContainsKey(f.CreditCode.Value) && !processedFirms.Contains(f.CreditCode.Value))).ToList();
            var dirtyCodes = dirty.Select(f => f.CreditCode.Value).ToHashSet(StringComparer.Ordinal);
            var others = firms.Where(f => !dirtyCodes.Contains(f.CreditCode.Value)).ToList();
            var today = Today();
            var wanted = Matching.Refresh(allIndex, dirty, holdingsOf, prices, today);
            if (passProducts.Count > 0 && others.Count > 0) wanted.AddRange(Matching.Refresh(passIndex, others, holdingsOf, prices, today));
            var current = Current(firms.SelectMany(f => matchRows.GetValueOrDefault(f.CreditCode.Value) ?? []), fromMatches: true);
            foreach (var row in dirty.SelectMany(f => byFirmRows.GetValueOrDefault(f.CreditCode.Value) ?? [])) AddByFirm(current, row, mirrored: !full);
            var (w, d) = await SyncAsync(current, wanted, time.GetUtcNow(), ct);
            tally.Add((w, d, wanted.Count));
            tally.Firms += dirty.Count;
            if (full) await MatchMarks.ExpiriesAsync(storage, firms, ct);
            tally.Drained += await DrainAsync(dirty.Where(f => firmMarks.ContainsKey(f.CreditCode.Value))
                .Select(f => (MatchMarks.Firm(f.CreditCode.Value), firmMarks[f.CreditCode.Value])).ToList(), ct);
            processedFirms.UnionWith(dirtyCodes);
            foreach (var f in firms) seen.Add(f.CreditCode.Value);
            pass.Count += firms.Count;
            if (next is null) { pass.RangeIndex++; pass.Token = null; } else pass.Token = next;
            await SavePassAsync(pass, ct);
            pages++;
        }
        phases.Mark($"{pass.Kind} pass: {pages} page(s)");

        if (!budget.TrySpend()) return false;
        // Stored pairs the pages could not reach: in a product's pass, rows of firms outside its regions (the product no
        // longer serves them); in a full pass, rows of firms that are in no page (no such firm any more).
        var stray = new List<TableEntity>();
        if (pass.Kind == OneProduct)
        {
            stray.AddRange(matchRows.Where(g => !seen.Contains(g.Key)).SelectMany(g => g.Value)
                .Where(r => !pass.Ranges.Any(range => (r.GetString("Region") ?? "").StartsWith(range, StringComparison.Ordinal))));
        }
        var strayByFirm = new List<TableEntity>();
        if (full)
        {
            var candidates = matchRows.Keys.Concat(byFirmRows.Keys).Where(c => !seen.Contains(c)).ToHashSet(StringComparer.Ordinal);
            if (!pass.StartedHere && candidates.Count > 0) candidates.ExceptWith(await AllCodesAsync(ct));
            stray.AddRange(candidates.SelectMany(c => matchRows.GetValueOrDefault(c) ?? []));
            strayByFirm.AddRange(candidates.SelectMany(c => byFirmRows.GetValueOrDefault(c) ?? []));
        }
        if (stray.Count + strayByFirm.Count > 0)
        {
            var current = Current(stray, fromMatches: true);
            foreach (var row in strayByFirm) AddByFirm(current, row, mirrored: false);
            var (w, d) = await SyncAsync(current, [], time.GetUtcNow(), ct);
            tally.Add((w, d, 0));
        }
        var now = time.GetUtcNow();
        await Bounded.SelectAsync(passProducts, async p => { await AsOfAsync(p, now, ct); return 0; }, Concurrency, ct);
        tally.Products += pass.Products.Count;
        tally.Drained += await DrainAsync(pass.Products.Select(p => (MatchMarks.Product(p.Key), new ETag(p.Value))).ToList(), ct);
        if (pass.Kind == Bulk && pass.Ranges is [""]) await RecordAsync(new TableEntity(RunPartition, RunRow) { ["Firms"] = pass.Count }, ct);
        await DeletePassAsync(ct);
        phases.Mark($"{pass.Kind} pass: strays, marks");
        return true;
    }

    private static Dictionary<string, List<TableEntity>> GroupByCode(IEnumerable<TableEntity> rows, Func<TableEntity, string?> code)
    {
        var result = new Dictionary<string, List<TableEntity>>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            if (code(row) is not { } c) continue;
            if (!result.TryGetValue(c, out var list)) result[c] = list = [];
            list.Add(row);
        }
        return result;
    }

    /// <summary>One page of the by-region copy under <paramref name="region"/> (all firms: empty), from a continuation token.</summary>
    private async Task<(List<Enterprise> Firms, string? Next)> FirmPageAsync(string region, string? token, CancellationToken ct)
    {
        var filter = region.Length == 0 ? null : TableClient.CreateQueryFilter($"PartitionKey ge {region} and PartitionKey lt {region + ":"}");
        await foreach (var page in storage.EnterprisesByRegion.QueryAsync<TableEntity>(filter, maxPerPage: PageSize, cancellationToken: ct).AsPages(token, PageSize))
            return (page.Values.Select(TableEnterpriseStore.FromEntity).ToList(), page.ContinuationToken);
        return ([], null);
    }

    /// <summary>Every firm's credit code in the by-region copy (the last piece of a full pass that spanned runs).</summary>
    private async Task<HashSet<string>> AllCodesAsync(CancellationToken ct)
    {
        var codes = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var row in storage.EnterprisesByRegion.QueryAsync<TableEntity>(select: ["RowKey"], cancellationToken: ct)) codes.Add(row.RowKey);
        return codes;
    }

    private async Task<RunState> StateAsync(CancellationToken ct)
    {
        DateOnly? date = null;
        long? firms = null;
        Pass? pass = null;
        await foreach (var row in storage.MatchState.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {RunPartition}"), cancellationToken: ct))
        {
            if (row.RowKey == RunRow)
            {
                if (row.GetString("Date") is { } d) date = DateOnly.ParseExact(d, "yyyy-MM-dd", CultureInfo.InvariantCulture);
                firms = row.GetInt64("Firms");
            }
            else if (row.RowKey == PassRow)
            {
                pass = new Pass
                {
                    Kind = row.GetString("Kind") ?? Bulk,
                    Ranges = (row.GetString("Ranges") ?? "").Split(',').ToList(),
                    Products = (row.GetString("Products") ?? "").Split('\u001e', StringSplitOptions.RemoveEmptyEntries)
                        .Select(x => x.Split('\u001f')).ToDictionary(x => x[0], x => x[1], StringComparer.Ordinal),
                    RangeIndex = row.GetInt32("RangeIndex") ?? 0,
                    Token = row.GetString("Token") is { Length: > 0 } t ? t : null,
                    Count = row.GetInt64("Count") ?? 0,
                    StartDate = DateOnly.ParseExact(row.GetString("StartDate"), "yyyy-MM-dd", CultureInfo.InvariantCulture),
                };
            }
        }
        return new RunState(date, firms, pass);
    }

    private Task SavePassAsync(Pass pass, CancellationToken ct) =>
        storage.MatchState.UpsertEntityAsync(new TableEntity(RunPartition, PassRow)
        {
            ["Kind"] = pass.Kind,
            ["Ranges"] = string.Join(',', pass.Ranges),
            ["Products"] = string.Join('\u001e', pass.Products.Select(p => p.Key + "\u001f" + p.Value)),
            ["RangeIndex"] = pass.RangeIndex,
            ["Token"] = pass.Token ?? "",
            ["Count"] = pass.Count,
            ["StartDate"] = pass.StartDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        }, TableUpdateMode.Replace, ct);

    private async Task DeletePassAsync(CancellationToken ct)
    {
        try { await storage.MatchState.DeleteEntityAsync(RunPartition, PassRow, ETag.All, ct); }
        catch (RequestFailedException ex) when (ex.Status == 404) { /* no pass was stored (it ended in its first run's pages) */ }
    }

    private Task RecordAsync(TableEntity fields, CancellationToken ct) => storage.MatchState.UpsertEntityAsync(fields, TableUpdateMode.Merge, ct);
}

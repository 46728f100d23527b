using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Trading.Core.Enterprises;
using Trading.Core.Finance;
using Trading.Core.Ledger;
using Trading.Core.Primitives;

namespace Trading.Infra;

/// <summary>
/// Eligible pairs, kept where the queries read them: <c>matches</c> (partition = product, rows sorted best grade first,
/// then largest limit) and <c>matchesbyfirm</c> (partition = credit code). Only eligible pairs are stored.
/// <para>
/// The RefreshMatches timer (MatchRefresher.Timer.cs) is incremental, bounded and resumable: it re-evaluates only the
/// firms, products and markets marked dirty since its last run (<see cref="MatchMarks"/>), the firms whose grade expired
/// since then (the expiry index), and the holders of markets whose 12-month price moved; few firms one by one, many in
/// bulk (a pass over the by-region copy), each piece under the run's <see cref="TimerBudget"/>. It compares what it
/// computed with what is stored and writes only the pairs that differ, in entity-group transactions of up to 100 rows of
/// one partition, with bounded concurrency. With no record of a previous run (a cold start) it runs a full pass, which
/// reads every firm and repairs any difference between the two tables. No path scans the ledger: holdings are read
/// through the holder index (one firm) or as the holding rows of one market's partition, prices from day counters.
/// </para>
/// <para>
/// Pairs are written in two steps, the first finished for every pair before the second starts: the rows of
/// <c>matches</c> (a product's new and changed rows with the rows they replace or that no longer hold, in transactions of
/// its partition, upserts first), then <c>matchesbyfirm</c>. A run cut off leaves the by-firm row (what a firm-scoped run
/// compares with) unchanged, and a piece's dirty marks are deleted only after its pairs are written, so the next run does
/// that piece again.
/// </para>
/// </summary>
public sealed partial class MatchRefresher(StorageContext storage, TableLedger ledger, ProductStore products, IEnterpriseStore enterprises, TimerBudgets budgets, TimeProvider time)
{
    private const string AsOfRow = "~asof";
    private const string RunPartition = "run";
    private const string RunRow = "last";
    private const string PricePartition = "price";
    private const string ExpiryPrefix = "exp:";

    /// <summary>A longer gap since the last run than this reads every firm again instead of a year of expiry days.</summary>
    public const int MaxIncrementalDays = 31;

    private const int Concurrency = Bounded.DefaultConcurrency;

    private DateOnly Today() => DateOnly.FromDateTime(time.GetUtcNow().ToOffset(ReportingMonth.ChinaOffset).DateTime);

    /// <summary>What one refresh did, for the timer's log and the benchmark.</summary>
    public sealed record RefreshReport(string Kind, int Products, int FirmsEvaluated, int ProductsEvaluated, int EligiblePairs, int Written, int Deleted, int MarksDrained, string Phases = "")
    {
        public override string ToString() =>
            $"{Kind}: {Products} product(s); {FirmsEvaluated} enterprise(s) and {ProductsEvaluated} product(s) re-evaluated: {EligiblePairs} eligible pair(s) among them; {Written} written, {Deleted} removed; {MarksDrained} dirty mark(s) drained{(Phases.Length > 0 ? " (" + Phases + ")" : "")}.";
    }

    /// <summary>Elapsed milliseconds of a run's phases, for the log.</summary>
    private sealed class Phases
    {
        private readonly System.Diagnostics.Stopwatch _watch = System.Diagnostics.Stopwatch.StartNew();
        private readonly List<string> _parts = [];
        public void Mark(string name) { _parts.Add($"{name} {_watch.ElapsedMilliseconds} ms"); _watch.Restart(); }
        public override string ToString() => string.Join(", ", _parts);
    }

    /// <summary>
    /// Re-evaluates one product against the firms it can reach (after the bank edits it), under <paramref name="budget"/>:
    /// a step asked before each page of firms read, and before the writes one more and one per transaction they take (a
    /// request's budget limits steps: thousands of changed pairs take minutes on their own). Returns false when the budget
    /// refused; then nothing was written (the pairs, the list's as-of and the mark are as they were).
    /// </summary>
    /// <remarks>
    /// Its dirty mark stays for the next RefreshMatches run, and is touched again after the pairs are written: a refresh
    /// on a request path or in the background may race another (a firm's, or the timer's) and write a pair from a row
    /// read before the other's change; only the timer, one run at a time, drains marks, and a mark touched after the
    /// writes survives a run that read it before them, so whatever such a race leaves is evaluated again by the next run.
    /// </remarks>
    public async Task<bool> RefreshProductAsync(LoanProduct product, TimerBudget budget, CancellationToken ct)
    {
        var markets = await PledgeMarketsAsync([product], ct);
        var prices = await ledger.PricesAsync(markets, Today(), ct);
        var now = time.GetUtcNow();
        // The firms it can reach: a key range of the by-region copy per region it serves (all firms for a product without regions).
        var regions = product.Regions.Count == 0 ? [RegionPrefix.All] : product.Regions.Where(r => !product.Regions.Any(o => o != r && o.Covers(r))).Distinct().ToList();
        var read = await Bounded.SelectAsync(regions, r => FirmsUnderAsync(r, budget, ct), Concurrency, ct);
        if (read.Any(r => r is null)) return false;
        var firms = read.SelectMany(x => x!).Where(f => product.Industries.Count == 0 || product.Industries.Contains(f.Industry)).ToList();
        var holdings = product.Pledge is null ? [] : await ledger.HoldingsInMarketsAsync(markets, ct);
        var matches = Matching.Refresh(new ProductIndex([product]), firms, f => holdings.GetValueOrDefault(f.CreditCode.Value) ?? [], prices, Today());
        var current = Current((await QueryAsync(storage.Matches, product.Key, ct)).Where(r => r.RowKey != AsOfRow), fromMatches: true);
        var plan = Plan(current, matches, now);
        if (!budget.TrySpend(1 + plan.Transactions)) return false;
        await ApplyAsync(plan, ct);
        await AsOfAsync(product, now, ct);
        await MatchMarks.MarkAsync(storage, [MatchMarks.Product(product.Key)], ct);
        return true;
    }

    /// <summary>Re-evaluates every product for one enterprise (after its grade, holdings or pledges change).</summary>
    /// <remarks>Its dirty mark stays for the next RefreshMatches run, as for a product.</remarks>
    public async Task RefreshFirmAsync(CreditCode code, CancellationToken ct)
    {
        var all = await products.ListAsync(null, ct);
        await RefreshFirmsCoreAsync([code.Value], all, null, time.GetUtcNow(), ct);
    }

    private async Task<(int Written, int Deleted, int Pairs)> RefreshFirmsCoreAsync(IReadOnlyList<string> codes, IReadOnlyList<LoanProduct> all,
        IReadOnlyDictionary<MarketId, MarketPrice>? prices, DateTimeOffset now, CancellationToken ct, Phases? phases = null)
    {
        if (codes.Count == 0) return (0, 0, 0);
        var pledge = all.Any(p => p.Pledge is not null);
        var loaded = await Bounded.SelectAsync(codes, async code =>
        {
            // The firm's row, its holdings and its stored pairs are independent reads: in flight together.
            var firm = enterprises.GetAsync(CreditCode.Parse(code), ct);
            var holdings = pledge ? ledger.HoldingsOfAsync(Holder.Of(CreditCode.Parse(code)), ct) : Task.FromResult<IReadOnlyList<MarketHolding>>([]);
            var stored = QueryAsync(storage.MatchesByFirm, code, ct);
            await Task.WhenAll(firm, holdings, stored);
            return (Firm: firm.Result, Holdings: holdings.Result, Stored: stored.Result);
        }, Concurrency, ct);
        if (prices is null)
        {
            // One firm's refresh (a request): prices of the markets it holds in only.
            var markets = (await PledgeMarketsAsync(all, ct)).ToHashSet();
            prices = await ledger.PricesAsync(loaded.SelectMany(l => l.Holdings).Select(h => h.Market).Where(markets.Contains), Today(), ct);
        }
        var byCode = loaded.Where(l => l.Firm is not null).ToDictionary(l => l.Firm!.CreditCode.Value, l => l.Holdings, StringComparer.Ordinal);
        var matches = Matching.Refresh(new ProductIndex(all), loaded.Where(l => l.Firm is not null).Select(l => l.Firm!),
            f => byCode[f.CreditCode.Value], prices, Today());
        var current = new Dictionary<(string, string), Stored>();
        foreach (var row in loaded.SelectMany(l => l.Stored)) AddByFirm(current, row, mirrored: true);
        phases?.Mark("firms: read and evaluate");
        var (w, d) = await SyncAsync(current, matches, now, ct);
        phases?.Mark("firms: write");
        return (w, d, matches.Count);
    }

    public async Task<(IReadOnlyList<StoredMatch> Items, string? ContinuationToken, DateTimeOffset? AsOf)> EligibleAsync(LoanProduct product, int pageSize, string? token, CancellationToken ct)
    {
        var asOf = await storage.Matches.GetEntityIfExistsAsync<TableEntity>(product.Key, AsOfRow, cancellationToken: ct);
        var lastRun = await LastRunAsync(ct);
        var productAsOf = asOf.HasValue ? asOf.Value!.GetDateTimeOffset("AsOf") : null;
        DateTimeOffset? when = productAsOf is { } a && lastRun is { } l ? (a > l ? a : l) : productAsOf ?? lastRun;
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {product.Key} and RowKey lt {AsOfRow}");
        await foreach (var page in storage.Matches.QueryAsync<TableEntity>(filter, maxPerPage: pageSize, cancellationToken: ct).AsPages(ContinuationTokens.Decode(token), pageSize))
            return (page.Values.Select(ToStored).ToList(), ContinuationTokens.Encode(page.ContinuationToken), when);
        return ([], null, null);
    }

    /// <summary>A firm's stored matches; each is as of its last write or the last run, whichever is later (a run that left it as it was confirmed it).</summary>
    public async Task<IReadOnlyList<StoredMatch>> OfFirmAsync(CreditCode code, CancellationToken ct)
    {
        var lastRun = await LastRunAsync(ct);
        return (await QueryAsync(storage.MatchesByFirm, code.Value, ct)).Select(ToStored)
            .Select(m => lastRun is { } l && l > m.AsOf ? m with { AsOf = l } : m).ToList();
    }

    /// <summary>Evaluates one pair now, with reasons (nothing stored).</summary>
    public async Task<EligibilityResult> ExplainAsync(LoanProduct product, Enterprise firm, CancellationToken ct)
    {
        var holdings = await ledger.HoldingsOfAsync(Holder.Of(firm.CreditCode), ct);
        var markets = (await PledgeMarketsAsync([product], ct)).ToHashSet();
        var prices = await ledger.PricesAsync(holdings.Select(h => h.Market).Where(markets.Contains), Today(), ct);
        return Eligibility.Evaluate(product, firm, holdings, prices, Today());
    }

    /// <summary>Markets whose rights the products' pledges can value (any region: a firm's rights elsewhere count too).</summary>
    private async Task<List<MarketId>> PledgeMarketsAsync(IEnumerable<LoanProduct> list, CancellationToken ct)
    {
        var pollutants = list.Where(p => p.Pledge is not null).SelectMany(p => p.Pledge!.Pollutants).ToHashSet();
        if (pollutants.Count == 0) return [];
        var markets = await ledger.MarketsAsync(RegionPrefix.All, ct);
        return markets.Where(m => pollutants.Contains(m.Pollutant)).ToList();
    }

    /// <summary>The firms under <paramref name="region"/>, page by page, each page asked of <paramref name="budget"/>; null when it refused one.</summary>
    private async Task<List<Enterprise>?> FirmsUnderAsync(RegionPrefix region, TimerBudget budget, CancellationToken ct)
    {
        var firms = new List<Enterprise>();
        string? token = null;
        do
        {
            if (!budget.TrySpend()) return null;
            var page = await enterprises.ListAsync(region, null, 1000, token, ct);
            firms.AddRange(page.Items);
            token = page.ContinuationToken;
        } while (token is not null);
        return firms;
    }

    /// <summary>A stored pair: its row key in <c>matches</c> and a signature of the fields the lists show; <c>Stale</c> forces a rewrite.</summary>
    private sealed class Stored(string productRowKey, string signature)
    {
        public string ProductRowKey { get; } = productRowKey;
        public string Signature { get; set; } = signature;
        public HashSet<string> OtherRowKeys { get; } = new(StringComparer.Ordinal);
        public bool Stale { get; set; }
    }

    private static Dictionary<(string Product, string Firm), Stored> Current(IEnumerable<TableEntity> matchRows, bool fromMatches)
    {
        var current = new Dictionary<(string, string), Stored>();
        foreach (var row in matchRows)
        {
            var key = (row.PartitionKey, row.GetString("CreditCode"));
            if (current.TryGetValue(key, out var have))
            {
                // Two rows of one pair in a product's partition (a run cut off between its steps): keep one, remove the other.
                have.OtherRowKeys.Add(row.RowKey);
                have.Stale = true;
            }
            else current[key] = new Stored(row.RowKey, Signature(row));
        }
        return current;
    }

    /// <summary>
    /// Adds a by-firm row to what is stored. <paramref name="mirrored"/>: the row stands for both tables (a firm-scoped run,
    /// which reads only the by-firm partition); otherwise (the full run, which read the product partitions first) a pair the
    /// product partitions did not show, or showed otherwise, is rewritten.
    /// </summary>
    private static void AddByFirm(Dictionary<(string, string), Stored> current, TableEntity row, bool mirrored)
    {
        var key = (row.RowKey, row.PartitionKey);
        var rowKey = row.GetString("ProductRowKey");
        if (!current.TryGetValue(key, out var have)) current[key] = new Stored(rowKey, Signature(row)) { Stale = !mirrored };
        else if (have.ProductRowKey != rowKey || have.Signature != Signature(row))
        {
            have.OtherRowKeys.Add(rowKey);
            have.Stale = true;
        }
        else have.Signature = Signature(row);
    }

    private static string Signature(TableEntity e) => string.Join("\u001f", e.GetString("ProductRowKey"), e.GetString("Name"), e.GetString("Region"), e.GetString("Industry"),
        e.GetString("Grade"), e.GetString("CreditRating"), (e.GetBoolean("PositiveList") ?? false) ? "1" : "0", (e.GetInt64("LimitFen") ?? -1).ToString(CultureInfo.InvariantCulture));

    /// <summary>The writes of one refresh, as transactions of one partition each (at most 100 rows): <c>matches</c>' first.</summary>
    private sealed class SyncPlan
    {
        public required List<(string Pk, string Rk, TableEntity? Entity)[]> Matches { get; init; }
        public required List<(string Pk, string Rk, TableEntity? Entity)[]> ByFirm { get; init; }
        public int Written { get; init; }
        public int Deleted { get; init; }
        public int Transactions => Matches.Count + ByFirm.Count;
    }

    /// <summary>
    /// Writes what differs between <paramref name="current"/> (the stored pairs of the scope refreshed) and
    /// <paramref name="wanted"/> (every eligible pair of that scope), as <see cref="Plan"/> lays it out.
    /// </summary>
    private Task<(int Written, int Deleted)> SyncAsync(Dictionary<(string Product, string Firm), Stored> current, IReadOnlyList<Match> wanted, DateTimeOffset now, CancellationToken ct) =>
        ApplyAsync(Plan(current, wanted, now), ct);

    private async Task<(int Written, int Deleted)> ApplyAsync(SyncPlan plan, CancellationToken ct)
    {
        await SubmitAsync(storage.Matches, plan.Matches, ct);
        await SubmitAsync(storage.MatchesByFirm, plan.ByFirm, ct);
        return (plan.Written, plan.Deleted);
    }

    /// <summary>
    /// What differs between <paramref name="current"/> and <paramref name="wanted"/>: new and changed rows of
    /// <c>matches</c>, then the rows they replace or that no longer hold, then <c>matchesbyfirm</c>; each step in
    /// transactions of one partition.
    /// </summary>
    private static SyncPlan Plan(Dictionary<(string Product, string Firm), Stored> current, IReadOnlyList<Match> wanted, DateTimeOffset now)
    {
        var upserts = new List<TableEntity>();
        var byFirmUpserts = new List<TableEntity>();
        var deletes = new List<(string Pk, string Rk)>();
        var byFirmDeletes = new List<(string Pk, string Rk)>();
        var seen = new HashSet<(string, string)>();
        foreach (var m in wanted)
        {
            var key = (m.Product.Key, m.Firm.CreditCode.Value);
            seen.Add(key);
            var entity = ToEntity(m, now);
            current.TryGetValue(key, out var have);
            if (have is { Stale: false } && have.Signature == Signature(entity)) continue;
            upserts.Add(entity);
            byFirmUpserts.Add(ByFirm(entity));
            if (have is null) continue;
            foreach (var old in have.OtherRowKeys.Append(have.ProductRowKey).Where(rk => rk != entity.RowKey).Distinct())
                deletes.Add((m.Product.Key, old));
        }
        foreach (var (key, have) in current)
        {
            if (seen.Contains(key)) continue;
            foreach (var old in have.OtherRowKeys.Append(have.ProductRowKey).Distinct()) deletes.Add((key.Product, old));
            byFirmDeletes.Add((key.Firm, key.Product));
        }
        // A product's new rows and the rows they replace go in one transaction of its partition (upserts first).
        return new SyncPlan
        {
            Matches = Batches(upserts.Select(e => (e.PartitionKey, e.RowKey, (TableEntity?)e)).Concat(deletes.Select(d => (d.Pk, d.Rk, (TableEntity?)null)))),
            ByFirm = Batches(byFirmUpserts.Select(e => (e.PartitionKey, e.RowKey, (TableEntity?)e)).Concat(byFirmDeletes.Select(d => (d.Pk, d.Rk, (TableEntity?)null)))),
            Written = upserts.Count,
            Deleted = byFirmDeletes.Count,
        };
    }

    /// <summary>Upserts (entity) and deletes (null), grouped by partition into transactions of at most 100.</summary>
    private static List<(string Pk, string Rk, TableEntity? Entity)[]> Batches(IEnumerable<(string Pk, string Rk, TableEntity? Entity)> ops) =>
        ops.DistinctBy(o => (o.Pk, o.Rk)).GroupBy(o => o.Pk, StringComparer.Ordinal).SelectMany(g => g.Chunk(100)).ToList();

    /// <summary>The transactions of <see cref="Batches"/>, with bounded concurrency.</summary>
    private static async Task SubmitAsync(TableClient table, List<(string Pk, string Rk, TableEntity? Entity)[]> batches, CancellationToken ct)
    {
        await Bounded.SelectAsync(batches, async batch =>
        {
            var actions = batch.Select(o => o.Entity is { } e
                ? new TableTransactionAction(TableTransactionActionType.UpsertReplace, e)
                : new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(o.Pk, o.Rk), ETag.All)).ToList();
            try { await table.SubmitTransactionAsync(actions, ct); }
            catch (TableTransactionFailedException ex) when (ex.Status == 404)
            {
                // A row to delete was gone already (the whole transaction was refused): one by one, ignoring those.
                foreach (var o in batch)
                {
                    if (o.Entity is { } e) await table.UpsertEntityAsync(e, TableUpdateMode.Replace, ct);
                    else
                    {
                        try { await table.DeleteEntityAsync(o.Pk, o.Rk, ETag.All, ct); }
                        catch (RequestFailedException gone) when (gone.Status == 404) { }
                    }
                }
            }
            return 0;
        }, Concurrency, ct);
    }

    private static TableEntity ToEntity(Match m, DateTimeOffset now)
    {
        var rowKey = ProductRowKey(m);
        return new TableEntity(m.Product.Key, rowKey)
        {
            ["CreditCode"] = m.Firm.CreditCode.Value,
            ["Name"] = m.Firm.Name,
            ["Region"] = m.Firm.Region.Value,
            ["Industry"] = m.Firm.Industry.ToString(),
            ["Grade"] = m.Grade.ToString(),
            ["CreditRating"] = m.Firm.CreditRating.ToString(),
            ["PositiveList"] = m.Firm.PositiveList,
            ["LimitFen"] = m.Limit.Fen,
            ["AsOf"] = now,
            ["ProductKey"] = m.Product.Key,
            ["ProductRowKey"] = rowKey,
        };
    }

    private static TableEntity ByFirm(TableEntity e)
    {
        var byFirm = new TableEntity(e.GetString("CreditCode"), e.PartitionKey);
        foreach (var (k, v) in e) if (k is not ("PartitionKey" or "RowKey" or "odata.etag" or "Timestamp")) byFirm[k] = v;
        return byFirm;
    }

    private Task AsOfAsync(LoanProduct product, DateTimeOffset now, CancellationToken ct) =>
        storage.Matches.UpsertEntityAsync(new TableEntity(product.Key, AsOfRow) { ["AsOf"] = now }, TableUpdateMode.Replace, ct);

    private async Task<List<(string RowKey, ETag ETag)>> DirtyMarksAsync(CancellationToken ct)
    {
        var marks = new List<(string, ETag)>();
        await foreach (var row in storage.MatchState.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {MatchMarks.DirtyPartition}"), cancellationToken: ct))
            marks.Add((row.RowKey, row.ETag));
        return marks;
    }

    /// <summary>Deletes the marks under If-Match on the ETag read before the evaluation: a mark touched since then stays for the next run.</summary>
    private async Task<int> DrainAsync(IReadOnlyList<(string RowKey, ETag ETag)> marks, CancellationToken ct)
    {
        var drained = 0;
        var batches = marks.Chunk(100).ToList();
        var counts = await Bounded.SelectAsync(batches, async batch =>
        {
            try
            {
                await storage.MatchState.SubmitTransactionAsync(batch.Select(m => new TableTransactionAction(TableTransactionActionType.Delete,
                    new TableEntity(MatchMarks.DirtyPartition, m.RowKey), m.ETag)), ct);
                return batch.Length;
            }
            catch (TableTransactionFailedException ex) when (ex.Status is 412 or 404)
            {
                var n = 0;
                foreach (var m in batch)
                {
                    try { await storage.MatchState.DeleteEntityAsync(MatchMarks.DirtyPartition, m.RowKey, m.ETag, ct); n++; }
                    catch (RequestFailedException e) when (e.Status is 412 or 404) { /* touched again (stays) or gone */ }
                }
                return n;
            }
        }, 4, ct);
        foreach (var c in counts) drained += c;
        return drained;
    }

    private async Task<(Dictionary<MarketId, MarketPrice> Prices, HashSet<string> Known)> StoredPricesAsync(CancellationToken ct)
    {
        var prices = new Dictionary<MarketId, MarketPrice>();
        var known = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var row in storage.MatchState.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {PricePartition}"), cancellationToken: ct))
        {
            if (!MarketId.TryParse(row.RowKey, out var market)) continue;
            known.Add(row.RowKey);
            if (row.GetString("GramYears") is { Length: > 0 } gy)
                prices[market.Value] = new MarketPrice(row["AmountFen"] is string fen ? System.Numerics.BigInteger.Parse(fen, CultureInfo.InvariantCulture)
                    : row.GetInt64("AmountFen")!.Value, System.Numerics.BigInteger.Parse(gy, CultureInfo.InvariantCulture));
        }
        return (prices, known);
    }

    /// <summary>Records the prices used for <paramref name="markets"/> (an empty GramYears: no price), batched in one partition.</summary>
    private async Task StorePricesAsync(IReadOnlyDictionary<MarketId, MarketPrice> prices, IReadOnlyList<MarketId> markets, CancellationToken ct)
    {
        foreach (var batch in markets.Distinct().Chunk(100))
            await storage.MatchState.SubmitTransactionAsync(batch.Select(m => new TableTransactionAction(TableTransactionActionType.UpsertReplace,
                new TableEntity(PricePartition, m.Key)
                {
                    ["AmountFen"] = prices.TryGetValue(m, out var p) ? p.AmountFen.ToString(CultureInfo.InvariantCulture) : "0",
                    ["GramYears"] = prices.TryGetValue(m, out var q) ? q.GramYears.ToString(CultureInfo.InvariantCulture) : "",
                })), ct);
    }

    private async Task<DateTimeOffset?> LastRunAsync(CancellationToken ct)
    {
        var last = await storage.MatchState.GetEntityIfExistsAsync<TableEntity>(RunPartition, RunRow, cancellationToken: ct);
        return last.HasValue ? last.Value!.GetDateTimeOffset("At") : null;
    }

    /// <summary>Best grade first, then the largest limit, then credit code: the order of the eligible list.</summary>
    private static string ProductRowKey(Match m) =>
        string.Create(CultureInfo.InvariantCulture, $"{m.Grade.Rank()}:{long.MaxValue - m.Limit.Fen:D19}:{m.Firm.CreditCode.Value}");

    private static async Task<List<TableEntity>> QueryAsync(TableClient table, string partition, CancellationToken ct)
    {
        var rows = new List<TableEntity>();
        await foreach (var row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {partition}"), cancellationToken: ct)) rows.Add(row);
        return rows;
    }

    private static async Task<List<string>> KeysOfAsync(TableClient table, string partition, CancellationToken ct)
    {
        var keys = new List<string>();
        await foreach (var row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {partition}"), select: ["RowKey"], cancellationToken: ct))
            keys.Add(row.RowKey);
        return keys;
    }

    private static StoredMatch ToStored(TableEntity e) => new(e.GetString("ProductKey"), e.GetString("CreditCode"), e.GetString("Name"), e.GetString("Region"),
        e.GetString("Industry"), e.GetString("Grade"), e.GetString("CreditRating"), e.GetBoolean("PositiveList") ?? false, e.GetInt64("LimitFen")!.Value,
        e.GetDateTimeOffset("AsOf") ?? DateTimeOffset.MinValue);
}

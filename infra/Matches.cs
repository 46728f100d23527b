using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Trading.Core;
using Trading.Core.Access;
using Trading.Core.Enterprises;
using Trading.Core.Finance;
using Trading.Core.Ledger;
using Trading.Core.Primitives;

namespace Trading.Infra;

/// <summary>Loan products: partition = bank id, row = product id.</summary>
public sealed class ProductStore(StorageContext storage)
{
    public async Task<bool> PutAsync(LoanProduct p, CancellationToken ct)
    {
        var existing = await storage.Products.GetEntityIfExistsAsync<TableEntity>(p.Bank.Value, p.ProductId, select: ["RowKey"], cancellationToken: ct);
        await storage.Products.UpsertEntityAsync(ToEntity(p), TableUpdateMode.Replace, ct);
        return !existing.HasValue;
    }

    public async Task<LoanProduct?> GetAsync(BankId bank, string productId, CancellationToken ct)
    {
        var row = await storage.Products.GetEntityIfExistsAsync<TableEntity>(bank.Value, productId, cancellationToken: ct);
        return row.HasValue && row.Value is not null ? FromEntity(row.Value) : null;
    }

    public async Task<List<LoanProduct>> ListAsync(BankId? bank, CancellationToken ct)
    {
        var filter = bank is { } b ? TableClient.CreateQueryFilter($"PartitionKey eq {b.Value}") : null;
        var result = new List<LoanProduct>();
        await foreach (var row in storage.Products.QueryAsync<TableEntity>(filter, cancellationToken: ct)) result.Add(FromEntity(row));
        return result;
    }

    private static TableEntity ToEntity(LoanProduct p) => new(p.Bank.Value, p.ProductId)
    {
        ["Name"] = p.Name,
        ["MinGrade"] = p.MinGrade.ToString(),
        ["AllowUngraded"] = p.AllowUngraded,
        ["MinCreditRating"] = p.MinCreditRating.ToString(),
        ["RequirePositiveList"] = p.RequirePositiveList,
        ["Industries"] = string.Join(",", p.Industries.Order()),
        ["Regions"] = string.Join(",", p.Regions.Select(r => r.Value)),
        ["MinFen"] = p.MinAmount.Fen,
        ["MaxFen"] = p.MaxAmount.Fen,
        ["AnnualRatePct"] = p.AnnualRatePct.ToString(CultureInfo.InvariantCulture),
        ["TermMonths"] = p.TermMonths,
        ["PledgePollutants"] = p.Pledge is null ? null : string.Join(",", p.Pledge.Pollutants),
        ["LoanToValue"] = p.Pledge?.LoanToValue.ToString(CultureInfo.InvariantCulture),
        ["UpdatedAt"] = p.UpdatedAt,
    };

    private static LoanProduct FromEntity(TableEntity e)
    {
        BankId.TryParse(e.PartitionKey, out var bank, out _);
        static IEnumerable<string> Split(string? s) => string.IsNullOrEmpty(s) ? [] : s.Split(',');
        var pollutants = e.GetString("PledgePollutants");
        return new LoanProduct(bank, e.RowKey, e.GetString("Name"), Enum.Parse<PerformanceGrade>(e.GetString("MinGrade")), e.GetBoolean("AllowUngraded") ?? false,
            Enum.Parse<CreditRating>(e.GetString("MinCreditRating")), e.GetBoolean("RequirePositiveList") ?? false,
            Split(e.GetString("Industries")).Select(Enum.Parse<Industry>).ToHashSet(), Split(e.GetString("Regions")).Select(RegionPrefix.Parse).ToList(),
            Money.FromFen(e.GetInt64("MinFen")!.Value), Money.FromFen(e.GetInt64("MaxFen")!.Value),
            decimal.Parse(e.GetString("AnnualRatePct"), CultureInfo.InvariantCulture), e.GetInt32("TermMonths")!.Value,
            pollutants is null ? null : new PledgeTerms(Split(pollutants).Select(Enum.Parse<Pollutant>).ToList(), decimal.Parse(e.GetString("LoanToValue"), CultureInfo.InvariantCulture)),
            e.GetDateTimeOffset("UpdatedAt") ?? DateTimeOffset.MinValue);
    }
}

/// <summary>A stored eligible pair, as the eligible lists read it.</summary>
public sealed record StoredMatch(string ProductKey, string CreditCode, string Name, string Region, string Industry, string Grade, string CreditRating,
    bool PositiveList, long LimitFen, DateTimeOffset AsOf);

/// <summary>
/// Eligible pairs, kept where the queries read them: <c>matches</c> (partition = product, rows sorted best grade first,
/// then largest limit) and <c>matchesbyfirm</c> (partition = credit code). Only eligible pairs are stored; a refresh
/// writes the pairs that now hold and deletes those that no longer do. Refreshes are idempotent; the two tables are
/// not updated atomically together, and the next refresh repairs any difference.
/// </summary>
public sealed class MatchRefresher(StorageContext storage, TableLedger ledger, ProductStore products, IEnterpriseStore enterprises, TimeProvider time)
{
    private const string AsOfRow = "~asof";

    private DateOnly Today() => DateOnly.FromDateTime(time.GetUtcNow().ToOffset(ReportingMonth.ChinaOffset).DateTime);

    /// <summary>Re-evaluates every product against every enterprise (the RefreshMatches timer).</summary>
    public async Task<IReadOnlyList<string>> RefreshAllAsync(CancellationToken ct)
    {
        var all = await products.ListAsync(null, ct);
        var firms = await AllFirmsAsync(ct);
        var holdings = await ledger.AllHoldingsAsync(ct);
        var prices = await PricesAsync(all, null, ct);
        var matches = Matching.Refresh(new ProductIndex(all), firms, f => holdings.GetValueOrDefault(f.CreditCode.Value) ?? [], prices, Today());
        var byProduct = matches.ToLookup(m => m.Product.Key, StringComparer.Ordinal);
        var now = time.GetUtcNow();
        var (written, deleted) = (0, 0);
        foreach (var product in all)
        {
            var (w, d) = await ReplaceProductAsync(product, byProduct[product.Key].ToList(), now, ct);
            written += w;
            deleted += d;
        }
        return [$"{all.Count} product(s) × {firms.Count} enterprise(s): {matches.Count} eligible pair(s); {written} written, {deleted} removed."];
    }

    /// <summary>Re-evaluates one product against every enterprise (after the bank edits it).</summary>
    public async Task RefreshProductAsync(LoanProduct product, CancellationToken ct)
    {
        var firms = await AllFirmsAsync(ct);
        var holdings = product.Pledge is null ? [] : await ledger.AllHoldingsAsync(ct);
        var prices = await PricesAsync([product], null, ct);
        var matches = Matching.Refresh(new ProductIndex([product]), firms, f => holdings.GetValueOrDefault(f.CreditCode.Value) ?? [], prices, Today());
        await ReplaceProductAsync(product, matches, time.GetUtcNow(), ct);
    }

    /// <summary>Re-evaluates every product for one enterprise (after its grade, holdings or pledges change).</summary>
    public async Task RefreshFirmAsync(CreditCode code, CancellationToken ct)
    {
        var firm = await enterprises.GetAsync(code, ct);
        var all = await products.ListAsync(null, ct);
        var holdings = await ledger.HoldingsOfAsync(Holder.Of(code), ct);
        var prices = await PricesAsync(all, holdings, ct);
        var matches = firm is null ? [] : Matching.Refresh(new ProductIndex(all), [firm], _ => holdings, prices, Today());
        var now = time.GetUtcNow();
        var current = (await QueryAsync(storage.MatchesByFirm, code.Value, ct)).ToDictionary(r => r.RowKey, StringComparer.Ordinal);
        var wanted = matches.ToDictionary(m => m.Product.Key);
        foreach (var row in current.Values)
        {
            if (wanted.ContainsKey(row.RowKey)) continue;
            await storage.Matches.DeleteEntityAsync(row.RowKey, row.GetString("ProductRowKey"), ETag.All, ct);
            await storage.MatchesByFirm.DeleteEntityAsync(row.PartitionKey, row.RowKey, ETag.All, ct);
        }
        foreach (var match in matches)
        {
            var old = current.GetValueOrDefault(match.Product.Key)?.GetString("ProductRowKey");
            var rowKey = ProductRowKey(match);
            if (old is not null && old != rowKey) await storage.Matches.DeleteEntityAsync(match.Product.Key, old, ETag.All, ct);
            await WriteAsync(match, now, ct);
        }
    }

    public async Task<(IReadOnlyList<StoredMatch> Items, string? ContinuationToken, DateTimeOffset? AsOf)> EligibleAsync(LoanProduct product, int pageSize, string? token, CancellationToken ct)
    {
        var asOf = await storage.Matches.GetEntityIfExistsAsync<TableEntity>(product.Key, AsOfRow, cancellationToken: ct);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {product.Key} and RowKey lt {AsOfRow}");
        await foreach (var page in storage.Matches.QueryAsync<TableEntity>(filter, maxPerPage: pageSize, cancellationToken: ct).AsPages(ContinuationTokens.Decode(token), pageSize))
            return (page.Values.Select(ToStored).ToList(), ContinuationTokens.Encode(page.ContinuationToken), asOf.HasValue ? asOf.Value!.GetDateTimeOffset("AsOf") : null);
        return ([], null, null);
    }

    public async Task<IReadOnlyList<StoredMatch>> OfFirmAsync(CreditCode code, CancellationToken ct) =>
        (await QueryAsync(storage.MatchesByFirm, code.Value, ct)).Select(ToStored).ToList();

    /// <summary>Evaluates one pair now, with reasons (nothing stored).</summary>
    public async Task<EligibilityResult> ExplainAsync(LoanProduct product, Enterprise firm, CancellationToken ct)
    {
        var holdings = await ledger.HoldingsOfAsync(Holder.Of(firm.CreditCode), ct);
        var prices = await PricesAsync([product], holdings, ct);
        return Eligibility.Evaluate(product, firm, holdings, prices, Today());
    }

    /// <summary>
    /// Prices of the markets the products' pledges can value: every such market, or for one firm only the markets it
    /// holds rights in (each price is a scan of a market's last 12 months of trades).
    /// </summary>
    private async Task<Dictionary<MarketId, MarketPrice>> PricesAsync(IEnumerable<LoanProduct> products, IReadOnlyList<MarketHolding>? heldBy, CancellationToken ct)
    {
        var pollutants = products.Where(p => p.Pledge is not null).SelectMany(p => p.Pledge!.Pollutants).ToHashSet();
        if (pollutants.Count == 0) return [];
        var markets = heldBy is null ? await ledger.MarketsAsync(RegionPrefix.All, ct) : heldBy.Select(h => h.Market).ToList();
        return await ledger.PricesAsync(markets.Where(m => pollutants.Contains(m.Pollutant)), Today(), ct);
    }

    private async Task<List<Enterprise>> AllFirmsAsync(CancellationToken ct)
    {
        var firms = new List<Enterprise>();
        string? token = null;
        do
        {
            var page = await enterprises.ListAsync(RegionPrefix.All, null, 1000, token, ct);
            firms.AddRange(page.Items);
            token = page.ContinuationToken;
        } while (token is not null);
        return firms;
    }

    private async Task<(int Written, int Deleted)> ReplaceProductAsync(LoanProduct product, List<Match> matches, DateTimeOffset now, CancellationToken ct)
    {
        var current = (await QueryAsync(storage.Matches, product.Key, ct)).Where(r => r.RowKey != AsOfRow).ToList();
        var wanted = matches.ToDictionary(ProductRowKey);
        var stillEligible = matches.Select(m => m.Firm.CreditCode.Value).ToHashSet(StringComparer.Ordinal);
        var deleted = 0;
        foreach (var row in current.Where(r => !wanted.ContainsKey(r.RowKey)))
        {
            await storage.Matches.DeleteEntityAsync(row.PartitionKey, row.RowKey, ETag.All, ct);
            if (!stillEligible.Contains(row.GetString("CreditCode")))
                await storage.MatchesByFirm.DeleteEntityAsync(row.GetString("CreditCode"), product.Key, ETag.All, ct);
            deleted++;
        }
        foreach (var match in matches) await WriteAsync(match, now, ct);
        await storage.Matches.UpsertEntityAsync(new TableEntity(product.Key, AsOfRow) { ["AsOf"] = now }, TableUpdateMode.Replace, ct);
        return (matches.Count, deleted);
    }

    private async Task WriteAsync(Match m, DateTimeOffset now, CancellationToken ct)
    {
        var rowKey = ProductRowKey(m);
        var e = new TableEntity(m.Product.Key, rowKey)
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
        await storage.Matches.UpsertEntityAsync(e, TableUpdateMode.Replace, ct);
        var byFirm = new TableEntity(m.Firm.CreditCode.Value, m.Product.Key);
        foreach (var (k, v) in e) if (k is not ("PartitionKey" or "RowKey" or "odata.etag" or "Timestamp")) byFirm[k] = v;
        await storage.MatchesByFirm.UpsertEntityAsync(byFirm, TableUpdateMode.Replace, ct);
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

    private static StoredMatch ToStored(TableEntity e) => new(e.GetString("ProductKey"), e.GetString("CreditCode"), e.GetString("Name"), e.GetString("Region"),
        e.GetString("Industry"), e.GetString("Grade"), e.GetString("CreditRating"), e.GetBoolean("PositiveList") ?? false, e.GetInt64("LimitFen")!.Value,
        e.GetDateTimeOffset("AsOf") ?? DateTimeOffset.MinValue);
}

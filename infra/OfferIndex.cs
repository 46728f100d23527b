using System.Globalization;
using Azure.Data.Tables;
using Trading.Core.Enterprises;
using Trading.Core.Primitives;

namespace Trading.Infra;

/// <summary>
/// Lists of offers across markets, in the order each kind is listed (newest first, or cheapest first): one row per offer in the list of each party (a credit code, or
/// <c>bank:{id}</c> / <c>holder:{code}</c>) and in the list of all (read by officials, filtered by region). Rows only
/// point at the offer: a list reads each offer's own row, so a list never shows a stale state or someone else's offer.
/// </summary>
public sealed class OfferIndex(StorageContext storage)
{
    public const string Proposals = "proposal";
    public const string Pledges = "pledge";
    public const string Listings = "listing";

    /// <summary>
    /// The list of listings in <paramref name="status"/>: the open book is <see cref="Listings"/>; each ended status has its
    /// own list (<c>listing.filled</c>, <c>listing.withdrawn</c>, <c>listing.expired</c>), written before the commit that
    /// ends the listing, so a committed end is always listed (a failed commit leaves a row the list filters out).
    /// </summary>
    public static string ListingsIn(Core.Market.ListingStatus status) =>
        status == Core.Market.ListingStatus.Open ? Listings : Listings + "." + status.ToString().ToLowerInvariant();
    public const string Auctions = "auction";

    /// <summary>Newest first.</summary>
    public static string NewestFirst(DateTimeOffset createdAt) => (DateTimeOffset.MaxValue.UtcTicks - createdAt.UtcTicks).ToString("D19", CultureInfo.InvariantCulture);

    /// <summary>Cheapest first, then oldest.</summary>
    public static string CheapestFirst(Core.Primitives.Money price, DateTimeOffset createdAt) =>
        price.Fen.ToString("D19", CultureInfo.InvariantCulture) + ":" + createdAt.UtcTicks.ToString("D19", CultureInfo.InvariantCulture);
    public const string All = "all";

    public const string Loans = "loan";
    public const string Applications = "application";

    public Task AddAsync(string kind, string id, MarketId market, string order, IEnumerable<string> parties, CancellationToken ct) =>
        AddAsync(kind, id, market.Region, market.Pollutant.ToString(), order, parties, ct);

    public async Task AddAsync(string kind, string id, RegionCode? region, string? pollutant, string order, IEnumerable<string> parties, CancellationToken ct)
    {
        var rowKey = order + ":" + id;
        foreach (var party in parties.Append(All).Distinct())
        {
            await storage.OfferIndex.UpsertEntityAsync(new TableEntity($"{kind}|{party}", rowKey)
            {
                ["Id"] = id,
                ["Region"] = region?.Value,
                ["Pollutant"] = pollutant,
            }, TableUpdateMode.Replace, ct);
        }
    }

    /// <summary>Takes an offer that ended off its lists (best effort: a list skips an offer that is no longer what it asks for).</summary>
    public async Task RemoveAsync(string kind, string id, string order, IEnumerable<string> parties, CancellationToken ct)
    {
        foreach (var party in parties.Append(All).Distinct())
        {
            try { await storage.OfferIndex.DeleteEntityAsync($"{kind}|{party}", order + ":" + id, Azure.ETag.All, ct); }
            catch (Azure.RequestFailedException) { /* already gone, or storage failed: the list filters it out */ }
        }
    }

    /// <summary>
    /// A page of offers from <paramref name="party"/>'s list (or all of them under <paramref name="region"/>), newest first:
    /// each id is loaded by <paramref name="load"/> (null: gone or not to be shown) until the page is full.
    /// </summary>
    public async Task<ListPage<T>> ListAsync<T>(string kind, string? party, RegionPrefix region, int pageSize, string? continuationToken,
        Func<string, Task<T?>> load, CancellationToken ct, Pollutant? pollutant = null) where T : class
    {
        var cursor = ContinuationTokens.Decode(continuationToken);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {kind + "|" + (party ?? All)}");
        if (region.Value.Length > 0) filter += " and " + TableClient.CreateQueryFilter($"Region ge {region.Value} and Region lt {region.Value + ":"}");
        if (pollutant is { } p) filter += " and " + TableClient.CreateQueryFilter($"Pollutant eq {p.ToString()}");
        if (cursor is not null) filter += " and " + TableClient.CreateQueryFilter($"RowKey gt {cursor}");
        var items = new List<T>();
        string? last = null;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var page in storage.OfferIndex.QueryAsync<TableEntity>(filter, maxPerPage: Math.Min(1000, pageSize * 2), select: ["RowKey", "Id"], cancellationToken: ct).AsPages())
        {
            var batch = page.Values.Where(r => seen.Add(r.GetString("Id"))).ToList();
            var loaded = await Bounded.SelectAsync(batch, r => load(r.GetString("Id")), 16, ct);
            for (var i = 0; i < batch.Count; i++)
            {
                if (loaded[i] is { } item) items.Add(item);
                last = batch[i].RowKey;
                if (items.Count == pageSize) return new ListPage<T>(items, ContinuationTokens.Encode(last));
            }
        }
        return new ListPage<T>(items, null);
    }
}

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

    /// <summary>
    /// The partition of the list of all offers of <paramref name="kind"/> for one province (the first two digits of the
    /// region code): <c>{kind}|all:{pp}</c>, so one province's offers never share a partition with another's. An offer
    /// without a region (a loan application) is in <c>{kind}|all</c>, which also holds the rows written before the lists
    /// were split by province (still read, decision 0012).
    /// </summary>
    public static string AllPartition(string kind, RegionCode? region) =>
        kind + "|" + (region is { } r && r.Value.Length >= 2 ? All + ":" + r.Value[..2] : All);

    /// <summary>The partition naming the provinces that have a list of <paramref name="kind"/> (one row each, written once per process).</summary>
    private static string ProvincesPartition(string kind) => kind + "|~provinces";

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> _provinces = new(StringComparer.Ordinal);

    public Task AddAsync(string kind, string id, MarketId market, string order, IEnumerable<string> parties, CancellationToken ct) =>
        AddAsync(kind, id, market.Region, market.Pollutant.ToString(), order, parties, ct);

    public async Task AddAsync(string kind, string id, RegionCode? region, string? pollutant, string order, IEnumerable<string> parties, CancellationToken ct)
    {
        var rowKey = order + ":" + id;
        var all = AllPartition(kind, region);
        if (region is { } r && r.Value.Length >= 2 && !_provinces.ContainsKey(all))
        {
            await storage.OfferIndex.UpsertEntityAsync(new TableEntity(ProvincesPartition(kind), r.Value[..2]), TableUpdateMode.Replace, ct);
            _provinces[all] = true;
        }
        foreach (var partition in parties.Select(p => kind + "|" + p).Append(all).Distinct())
        {
            await storage.OfferIndex.UpsertEntityAsync(new TableEntity(partition, rowKey)
            {
                ["Id"] = id,
                ["Region"] = region?.Value,
                ["Pollutant"] = pollutant,
            }, TableUpdateMode.Replace, ct);
        }
    }

    /// <summary>Takes an offer that ended off its lists (best effort: a list skips an offer that is no longer what it asks for).</summary>
    public async Task RemoveAsync(string kind, string id, string order, IEnumerable<string> parties, CancellationToken ct, RegionCode? region = null)
    {
        foreach (var partition in parties.Select(p => kind + "|" + p).Append(AllPartition(kind, region)).Distinct())
        {
            try { await storage.OfferIndex.DeleteEntityAsync(partition, order + ":" + id, Azure.ETag.All, ct); }
            catch (Azure.RequestFailedException) { /* already gone, or storage failed: the list filters it out */ }
        }
    }

    /// <summary>
    /// A page of offers from <paramref name="party"/>'s list (or all of them under <paramref name="region"/>: the
    /// partitions of the provinces under it, read in parallel and merged in list order, and the old country-wide
    /// partition), in list order: each id is loaded by <paramref name="load"/> (null: gone or not to be shown) until the
    /// page is full. The continuation token is the last row key read: each partition goes on after it.
    /// </summary>
    public async Task<ListPage<T>> ListAsync<T>(string kind, string? party, RegionPrefix region, int pageSize, string? continuationToken,
        Func<string, Task<T?>> load, CancellationToken ct, Pollutant? pollutant = null) where T : class
    {
        var cursor = ContinuationTokens.Decode(continuationToken);
        var filter = "";
        if (region.Value.Length > 0) filter += " and " + TableClient.CreateQueryFilter($"Region ge {region.Value} and Region lt {region.Value + ":"}");
        if (pollutant is { } p) filter += " and " + TableClient.CreateQueryFilter($"Pollutant eq {p.ToString()}");
        if (cursor is not null) filter += " and " + TableClient.CreateQueryFilter($"RowKey gt {cursor}");
        var partitions = party is not null ? [kind + "|" + party] : await AllPartitionsAsync(kind, region, ct);
        var perPage = Math.Min(1000, pageSize * 2);
        var items = new List<T>();
        string? last = null;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var batch = new List<TableEntity>();
        await foreach (var row in MergeAsync(partitions, filter, perPage, ct))
        {
            if (!seen.Add(row.GetString("Id"))) continue; // the same row in the old partition and its province's
            batch.Add(row);
            if (batch.Count < perPage) continue;
            if (await TakeAsync() is { } full) return full;
        }
        return await TakeAsync() ?? new ListPage<T>(items, null);

        async Task<ListPage<T>?> TakeAsync()
        {
            var loaded = await Bounded.SelectAsync(batch, r => load(r.GetString("Id")), 16, ct);
            for (var i = 0; i < batch.Count; i++)
            {
                if (loaded[i] is { } item) items.Add(item);
                last = batch[i].RowKey;
                if (items.Count == pageSize) return new ListPage<T>(items, ContinuationTokens.Encode(last));
            }
            batch.Clear();
            return null;
        }
    }

    /// <summary>The list-of-all partitions under a region prefix: its province's (or every province's under it), and the old country-wide one.</summary>
    private async Task<List<string>> AllPartitionsAsync(string kind, RegionPrefix region, CancellationToken ct)
    {
        var partitions = new List<string> { kind + "|" + All };
        if (region.Value.Length >= 2)
        {
            partitions.Add(kind + "|" + All + ":" + region.Value[..2]);
            return partitions;
        }
        await foreach (var e in storage.OfferIndex.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {ProvincesPartition(kind)}"),
            select: ["RowKey"], cancellationToken: ct))
            if (e.RowKey.StartsWith(region.Value, StringComparison.Ordinal)) partitions.Add(kind + "|" + All + ":" + e.RowKey);
        return partitions;
    }

    /// <summary>The rows of several partitions in row-key order: each partition's query runs in parallel with the others, page by page.</summary>
    private async IAsyncEnumerable<TableEntity> MergeAsync(IReadOnlyList<string> partitions, string filter, int perPage,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        var sources = partitions.Select(pk => storage.OfferIndex.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {pk}") + filter,
            maxPerPage: perPage, select: ["RowKey", "Id"], cancellationToken: ct).GetAsyncEnumerator(ct)).ToList();
        try
        {
            var started = await Task.WhenAll(sources.Select(async s => await s.MoveNextAsync()));
            var live = sources.Where((_, i) => started[i]).ToList();
            while (live.Count > 0)
            {
                var next = live.MinBy(s => s.Current.RowKey, StringComparer.Ordinal)!;
                yield return next.Current;
                if (!await next.MoveNextAsync()) live.Remove(next);
            }
        }
        finally
        {
            foreach (var s in sources) await s.DisposeAsync();
        }
    }
}

using System.Globalization;
using Azure.Data.Tables;
using Trading.Core.Enterprises;
using Trading.Core.Primitives;

namespace Trading.Infra;

/// <summary>
/// Lists of offers across markets, newest first: one row per offer in the list of each party (a credit code, or
/// <c>bank:{id}</c> / <c>holder:{code}</c>) and in the list of all (read by officials, filtered by region). Rows only
/// point at the offer: a list reads each offer's own row, so a list never shows a stale state or someone else's offer.
/// </summary>
public sealed class OfferIndex(StorageContext storage)
{
    public const string Proposals = "proposal";
    public const string Pledges = "pledge";
    public const string All = "all";

    public async Task AddAsync(string kind, string id, MarketId market, DateTimeOffset createdAt, IEnumerable<string> parties, CancellationToken ct)
    {
        var rowKey = (DateTimeOffset.MaxValue.UtcTicks - createdAt.UtcTicks).ToString("D19", CultureInfo.InvariantCulture) + ":" + id;
        foreach (var party in parties.Append(All).Distinct())
        {
            await storage.OfferIndex.UpsertEntityAsync(new TableEntity($"{kind}|{party}", rowKey)
            {
                ["Id"] = id,
                ["Region"] = market.Region.Value,
                ["Pollutant"] = market.Pollutant.ToString(),
            }, TableUpdateMode.Replace, ct);
        }
    }

    /// <summary>
    /// A page of offers from <paramref name="party"/>'s list (or all of them under <paramref name="region"/>), newest first:
    /// each id is loaded by <paramref name="load"/> (null: gone or not to be shown) until the page is full.
    /// </summary>
    public async Task<ListPage<T>> ListAsync<T>(string kind, string? party, RegionPrefix region, int pageSize, string? continuationToken,
        Func<string, Task<T?>> load, CancellationToken ct) where T : class
    {
        var cursor = ContinuationTokens.Decode(continuationToken);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {kind + "|" + (party ?? All)}");
        if (region.Value.Length > 0) filter += " and " + TableClient.CreateQueryFilter($"Region ge {region.Value} and Region lt {region.Value + ":"}");
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

using System.Globalization;
using Azure.Data.Tables;
using Trading.Core.Enterprises;
using Trading.Core.Ledger;
using Trading.Core.Primitives;

namespace Trading.Infra;

/// <summary>
/// The change tracking of the incremental RefreshMatches, in the <c>matchstate</c> table. Dirty marks (partition
/// <c>dirty</c>; rows <c>f:{creditCode}</c>, <c>p:{bank|product}</c>, <c>m:{market}</c>) are written before a change
/// commits and touched again after it, and the refresh deletes a mark only under If-Match on the ETag it read, so a mark
/// touched meanwhile survives for the next run. Grade expiries are indexed by the first day a grade no longer holds
/// (partition <c>exp:{yyyy-MM-dd}</c>, row = credit code), written before the firm's row.
/// </summary>
public static class MatchMarks
{
    public const string DirtyPartition = "dirty";
    public const string FirmPrefix = "f:";
    public const string ProductPrefix = "p:";
    public const string MarketPrefix = "m:";

    public static string Firm(string creditCode) => FirmPrefix + creditCode;
    public static string Product(string productKey) => ProductPrefix + productKey;
    public static string Market(string marketKey) => MarketPrefix + marketKey;
    public static string ExpiryPartition(DateOnly firstDayExpired) => "exp:" + firstDayExpired.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>
    /// Writes (or touches: a new ETag) the marks, all in the one partition: one alone as an upsert, more (a trade's seller,
    /// buyer and market; an import's chunk) up to 100 per transaction (one storage request).
    /// </summary>
    public static async Task MarkAsync(StorageContext storage, IEnumerable<string> rowKeys, CancellationToken ct)
    {
        var now = DateTimeOffset.UtcNow;
        var keys = rowKeys.Distinct(StringComparer.Ordinal).ToList();
        if (keys.Count == 1)
        {
            await storage.MatchState.UpsertEntityAsync(new TableEntity(DirtyPartition, keys[0]) { ["At"] = now }, TableUpdateMode.Replace, ct);
            return;
        }
        foreach (var batch in keys.Chunk(100))
            await storage.MatchState.SubmitTransactionAsync(batch.Select(rk => new TableTransactionAction(TableTransactionActionType.UpsertReplace,
                new TableEntity(DirtyPartition, rk) { ["At"] = now })), ct);
    }

    /// <summary>Indexes the day after each graded firm's valid-until date (when its grade stops counting), batched by day.</summary>
    public static async Task ExpiriesAsync(StorageContext storage, IEnumerable<Enterprise> firms, CancellationToken ct)
    {
        var rows = firms.Where(f => f.Grade != PerformanceGrade.Ungraded && f.GradeValidUntil is not null)
            .Select(f => (Pk: ExpiryPartition(f.GradeValidUntil!.Value.AddDays(1)), Rk: f.CreditCode.Value)).Distinct();
        var batches = rows.GroupBy(r => r.Pk).SelectMany(day => day.Chunk(100)).ToList();
        await Bounded.SelectAsync(batches, async batch =>
        {
            await storage.MatchState.SubmitTransactionAsync(batch.Select(r => new TableTransactionAction(TableTransactionActionType.UpsertReplace,
                new TableEntity(r.Pk, r.Rk))), ct);
            return 0;
        }, Bounded.DefaultConcurrency, ct);
    }

    /// <summary>The marks a market write sets: holders (not the reserve) whose holding row changes, and the market when a day counter changes.</summary>
    public static List<string> OfMarketChanges(MarketId market, IEnumerable<object> rows)
    {
        var keys = new List<string>();
        foreach (var row in rows)
        {
            if (row is Holding { Holder.IsReserve: false } h) keys.Add(Firm(h.Holder.Value));
            else if (row is DayCounter) keys.Add(Market(market.Key));
        }
        return keys.Distinct(StringComparer.Ordinal).ToList();
    }
}

using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Trading.Core.Ledger;
using Trading.Core.Market;
using Trading.Core.Primitives;

namespace Trading.Infra;

/// <summary>
/// Due work of every market, filed by the minute it falls due (table <c>dueindex</c>, decision 0012): PartitionKey the
/// timer's letter and the due minute (<c>x{yyyyMMddHHmm}</c> offers' expiries for <c>ExpireProposals</c>,
/// <c>a{yyyyMMddHHmm}</c> auctions' closes for <c>CloseAuctions</c>), RowKey <c>{kind}|{market}|{number}</c>. An entry is
/// written before the commit that creates the offer or auction (<see cref="MarkAsync"/>, from the market's hooks), so a
/// committed offer is always indexed; a timer reads the partitions up to the current minute only (<see cref="DueAsync"/>:
/// one range query, which on a run with nothing due finds no row, whatever the number of markets), does the work, and
/// deletes each entry once its work committed or it is stale (<see cref="DueWork.CanDrop"/>). Nothing is skipped: done
/// entries are deleted, so every entry below the current minute is work not yet done, however late it was written.
/// </summary>
public sealed class DueIndex(StorageContext storage, TimeProvider time)
{
    /// <summary>The partitions' letter of offers' expiries (<c>ExpireProposals</c>).</summary>
    public const string Expiries = "x";

    /// <summary>The partitions' letter of auctions' closes (<c>CloseAuctions</c>).</summary>
    public const string Closes = "a";

    /// <summary>At most this many due entries per run; the rest are read by the next run.</summary>
    public const int MaxPerRun = 5000;

    /// <summary>One due entry as a timer read it.</summary>
    public sealed record Entry(MarketId Market, DueItem Item, DateTimeOffset At, string PartitionKey, string RowKey, ETag ETag);

    /// <summary>The timer letter of an item.</summary>
    public static string TimerOf(DueItem item) => item.IsClose ? Closes : Expiries;

    /// <summary>Indexes the due work a change creates (nothing to write: no request), before the change commits.</summary>
    public Task MarkAsync(MarketId market, IReadOnlyList<RowChange> changes, CancellationToken ct)
    {
        var items = DueWork.Created(changes);
        return items.Count == 0 ? Task.CompletedTask : AddAsync(market, items, ct);
    }

    /// <summary>Indexes due items of one market (upserts: writing one twice leaves one entry).</summary>
    public async Task AddAsync(MarketId market, IReadOnlyList<DueItem> items, CancellationToken ct)
    {
        var at = time.GetUtcNow();
        foreach (var batch in items.GroupBy(i => TimerOf(i) + DueWork.Bucket(i.DueAt)).SelectMany(g => g.Chunk(100).Select(c => (Partition: g.Key, Items: c))))
        {
            var entities = batch.Items.Select(i => new TableEntity(batch.Partition, RowKeyOf(market, i))
            {
                ["Market"] = market.Key,
                ["Kind"] = i.Kind.ToString(),
                ["Number"] = i.Number,
                ["DueAt"] = i.DueAt,
                ["At"] = at,
            }).ToList();
            if (entities.Count == 1) await storage.DueIndex.UpsertEntityAsync(entities[0], TableUpdateMode.Replace, ct);
            else await storage.DueIndex.SubmitTransactionAsync(entities.Select(e => new TableTransactionAction(TableTransactionActionType.UpsertReplace, e)), ct);
        }
    }

    /// <summary>
    /// The entries of <paramref name="timer"/> due at <paramref name="now"/> (at most <see cref="MaxPerRun"/>, earliest
    /// first): one range query over the partitions up to the current minute, which holds only work not yet done.
    /// </summary>
    public async Task<List<Entry>> DueAsync(string timer, DateTimeOffset now, CancellationToken ct)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey gt {timer} and PartitionKey le {timer + DueWork.Bucket(now)}");
        var entries = new List<Entry>();
        await foreach (var e in storage.DueIndex.QueryAsync<TableEntity>(filter, maxPerPage: 1000, cancellationToken: ct))
        {
            if (!MarketId.TryParse(e.GetString("Market"), out var market) || !Enum.TryParse<DueKind>(e.GetString("Kind"), out var kind)
                || e.GetInt64("Number") is not { } number || e.GetDateTimeOffset("DueAt") is not { } dueAt)
                continue;
            if (dueAt > now) continue; // later in the current minute
            entries.Add(new Entry(market.Value, new DueItem(kind, number, dueAt), e.GetDateTimeOffset("At") ?? DateTimeOffset.MinValue, e.PartitionKey, e.RowKey, e.ETag));
            if (entries.Count >= MaxPerRun) break;
        }
        return entries;
    }

    /// <summary>Deletes an entry whose work is done (under If-Match: an entry written again meanwhile stays); a fault leaves it for the next run.</summary>
    public async Task DropAsync(Entry entry, CancellationToken ct)
    {
        try { await storage.DueIndex.DeleteEntityAsync(entry.PartitionKey, entry.RowKey, entry.ETag, ct); }
        catch (RequestFailedException ex) when (ex.Status is 404 or 412) { /* gone, or written again: the next read decides */ }
    }

    /// <summary>
    /// Drops the entries of a market whose run committed: an entry old enough goes (its open offer was just ended, or its
    /// row never committed); a young one only when <paramref name="stillOpen"/> reads its row there and no longer open.
    /// </summary>
    public async Task<int> DropDoneAsync(IEnumerable<Entry> entries, Func<Entry, Task<(bool Exists, bool StillOpen)>> stillOpen, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var dropped = 0;
        foreach (var entry in entries)
        {
            var state = DueWork.CanDrop(false, true, entry.At, now) ? (Exists: false, StillOpen: true) : await stillOpen(entry);
            if (!DueWork.CanDrop(state.Exists, state.StillOpen, entry.At, now)) continue;
            await DropAsync(entry, ct);
            dropped++;
        }
        return dropped;
    }

    private static string RowKeyOf(MarketId market, DueItem item) =>
        item.Kind.ToString().ToLowerInvariant() + "|" + market.Key + "|" + item.Number.ToString("D10", CultureInfo.InvariantCulture);
}

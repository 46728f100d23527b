using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Trading.Core.Ledger;
using Trading.Core.Market;
using Trading.Core.Primitives;
using Trading.Core.Writes;

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

    /// <summary>The partitions' letter of loan processes' steps and applications' 30 days (the finisher of <c>ExpireProposals</c>).</summary>
    public const string LoanSteps = "l";

    /// <summary>At most this many due entries per run; the rest are read by the next run.</summary>
    public const int MaxPerRun = 5000;

    /// <summary>One due entry as a timer read it: <paramref name="Owner"/> is the market's key or the bank's id.</summary>
    public sealed record Entry(string Owner, DueItem Item, DateTimeOffset At, string PartitionKey, string RowKey, ETag ETag)
    {
        public MarketId Market => MarketId.TryParse(Owner, out var market) ? market.Value : throw new InvalidOperationException($"{Owner} is not a market");
    }

    /// <summary>The timer letter of an item.</summary>
    public static string TimerOf(DueItem item) => item.IsClose ? Closes : item.InBank ? LoanSteps : Expiries;

    /// <summary>Indexes the due work a change to a market creates (nothing to write: no request), before the change commits.</summary>
    public Task MarkAsync(MarketId market, IReadOnlyList<RowChange> changes, CancellationToken ct)
    {
        var items = DueWork.Created(changes);
        return items.Count == 0 ? Task.CompletedTask : AddAsync(market.Key, items, ct);
    }

    /// <summary>Indexes the due work a change to a bank's book leaves (a step to do, a new application's 30 days), before the change commits.</summary>
    public Task MarkBankAsync(Trading.Core.Access.BankId bank, IReadOnlyList<RowChange> changes, CancellationToken ct)
    {
        var items = DueWork.OfBank(changes, time.GetUtcNow());
        return items.Count == 0 ? Task.CompletedTask : AddAsync(bank.Value, items, ct);
    }

    /// <summary>Indexes due items of one market or bank (upserts: writing one twice leaves one entry).</summary>
    public async Task AddAsync(string owner, IReadOnlyList<DueItem> items, CancellationToken ct)
    {
        var at = time.GetUtcNow();
        foreach (var batch in items.GroupBy(i => TimerOf(i) + DueWork.Bucket(i.DueAt)).SelectMany(g => g.Chunk(100).Select(c => (Partition: g.Key, Items: c))))
        {
            var entities = batch.Items.Select(i => new TableEntity(batch.Partition, RowKeyOf(owner, i))
            {
                ["Market"] = owner,
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
            if (e.GetString("Market") is not { } owner || !Enum.TryParse<DueKind>(e.GetString("Kind"), out var kind)
                || e.GetInt64("Number") is not { } number || e.GetDateTimeOffset("DueAt") is not { } dueAt)
                continue;
            if (dueAt > now) continue; // later in the current minute
            entries.Add(new Entry(owner, new DueItem(kind, number, dueAt), e.GetDateTimeOffset("At") ?? DateTimeOffset.MinValue, e.PartitionKey, e.RowKey, e.ETag));
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
    /// Drops the entries whose run committed, by <see cref="DueWork.CanDrop"/>: <paramref name="read"/> reads the row an
    /// entry is about (null: absent); an offer's or auction's entry old enough goes unread (its open offer was just ended,
    /// or its row never committed).
    /// </summary>
    public async Task<int> DropDoneAsync(IEnumerable<Entry> entries, Func<Entry, Task<IRow?>> read, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var dropped = 0;
        foreach (var entry in entries)
        {
            var unread = entry.Item.OnNewRow && !entry.Item.InBank && DueWork.CanDrop(entry.Item, false, true, entry.At, now);
            var row = unread ? null : await read(entry);
            if (!unread && !DueWork.CanDrop(entry.Item, row is not null, row is not null && DueWork.StillDue(entry.Item, row), entry.At, now)) continue;
            await DropAsync(entry, ct);
            dropped++;
        }
        return dropped;
    }

    private static string RowKeyOf(string owner, DueItem item) =>
        item.Kind.ToString().ToLowerInvariant() + "|" + owner + "|" + item.Number.ToString("D10", CultureInfo.InvariantCulture);
}

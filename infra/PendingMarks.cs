using System.Collections.Concurrent;
using System.Globalization;
using Azure;
using Azure.Data.Tables;

namespace Trading.Infra;

/// <summary>
/// Pending marks of an outbox: before a write commits, its partition is marked (book and partition key, with the time), so
/// a copier visits only partitions that took writes, never the idle ones. A mark is renewed before a commit when this
/// instance wrote it more than <see cref="Renewal"/> ago; the copier deletes a mark (under If-Match) only once it is older
/// than <see cref="Settled"/> and everything up to the head read after the mark is copied, so a write that committed
/// after the copier's read always leaves a mark behind. Marks spread over <see cref="Buckets"/> partitions per book.
/// One table per outbox: <see cref="AuditMarks"/> (audit records to blobs), <see cref="EventMarks"/> (events to the queue and inboxes).
/// </summary>
public abstract class PendingMarks(TableClient table, TimeProvider time)
{
    public const int Buckets = 16;

    /// <summary>A mark this instance wrote less than this long ago still stands: a write need not write it again.</summary>
    public static readonly TimeSpan Renewal = TimeSpan.FromSeconds(60);

    /// <summary>
    /// A mark older than this is deleted once its partition is copied: the renewal plus room for the instances' clock skew
    /// (5 minutes, as elsewhere). A write re-marks after its commit when it committed a renewal or more after the mark it
    /// relied on, and the copier reads the head again after deleting a mark and marks again what it did not copy.
    /// </summary>
    public static readonly TimeSpan Settled = TimeSpan.FromMinutes(6);

    private readonly ConcurrentDictionary<string, DateTimeOffset> _written = new(StringComparer.Ordinal);

    /// <summary>One pending mark, as the copier read it.</summary>
    /// <param name="Stored">When storage last wrote the mark (its own clock), if read.</param>
    public sealed record Mark(string Book, string Partition, DateTimeOffset At, ETag ETag, DateTimeOffset? Stored = null);

    /// <summary>
    /// Room beyond <see cref="Renewal"/> for a write's latency: a partition copied from a head read this long after its
    /// mark was stored holds every commit that did not write the mark again (see <see cref="CopyPendingAsync"/>).
    /// </summary>
    public static readonly TimeSpan QuietMargin = TimeSpan.FromSeconds(30);

    /// <summary>Marks this instance copied their partition after, and found unchanged since (by ETag): no commit since, no need to look.</summary>
    private readonly ConcurrentDictionary<string, ETag> _quiet = new(StringComparer.Ordinal);

    /// <summary>
    /// Marks the partition before a commit, and again after it (skipped while this instance's last mark of it is younger than
    /// <see cref="Renewal"/>; <paramref name="force"/>: always).
    /// </summary>
    public async Task MarkAsync(string book, string partition, CancellationToken ct, bool force = false)
    {
        var key = book + "|" + partition;
        var now = time.GetUtcNow();
        if (!force && _written.TryGetValue(key, out var at) && now - at < Renewal) return;
        await table.UpsertEntityAsync(new TableEntity(BucketOf(book, partition), partition) { ["Book"] = book, ["At"] = now },
            TableUpdateMode.Replace, ct);
        _written[key] = now;
    }

    /// <summary>Marks many partitions of one book at once (an import's chunk): up to 100 marks per transaction of one bucket.</summary>
    public async Task MarkManyAsync(string book, IEnumerable<string> partitions, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var due = partitions.Distinct(StringComparer.Ordinal)
            .Where(p => !(_written.TryGetValue(book + "|" + p, out var at) && now - at < Renewal)).ToList();
        var batches = due.GroupBy(p => BucketOf(book, p), StringComparer.Ordinal).SelectMany(g => g.Chunk(100).Select(c => (Bucket: g.Key, Partitions: c))).ToList();
        await Bounded.SelectAsync(batches, async batch =>
        {
            await table.SubmitTransactionAsync(batch.Partitions.Select(p => new TableTransactionAction(TableTransactionActionType.UpsertReplace,
                new TableEntity(batch.Bucket, p) { ["Book"] = book, ["At"] = now })), ct);
            return 0;
        }, Bounded.DefaultConcurrency, ct);
        foreach (var p in due) _written[book + "|" + p] = now;
    }

    /// <summary>The books whose partitions this outbox marks (all of them, unless an outbox says otherwise).</summary>
    protected virtual IReadOnlyList<string> MarkedBooks => Books.All;

    /// <summary>
    /// Every pending mark: one query of the whole table (paged by the service), which holds only the marks of partitions
    /// written in the last minutes, never one row per market or bank; rows that are no marks (the sweep's) are skipped.
    /// </summary>
    public async Task<List<Mark>> PendingAsync(CancellationToken ct) => (await ReadPendingAsync(ct)).Marks;

    /// <summary>The pending marks, with storage's time when it answered (the date of its first page).</summary>
    private async Task<(List<Mark> Marks, DateTimeOffset? StorageNow)> ReadPendingAsync(CancellationToken ct)
    {
        var books = new HashSet<string>(MarkedBooks, StringComparer.Ordinal);
        var marks = new List<Mark>();
        DateTimeOffset? storageNow = null;
        await foreach (var page in table.QueryAsync<TableEntity>(select: ["PartitionKey", "RowKey", "Book", "At", "Timestamp"], cancellationToken: ct).AsPages())
        {
            storageNow ??= page.GetRawResponse().Headers.Date;
            foreach (var e in page.Values)
                if (e.GetString("Book") is { } book && books.Contains(book) && e.PartitionKey == BucketOf(book, e.RowKey))
                    marks.Add(new Mark(book, e.RowKey, e.GetDateTimeOffset("At") ?? DateTimeOffset.MinValue, e.ETag, e.Timestamp));
        }
        return (marks, storageNow);
    }

    /// <summary>
    /// Copies every marked partition with <paramref name="copy"/> (book, partition), then settles its mark; answers how many
    /// rows were copied. A commit that landed after the copy read the head, and relied on the mark, is not lost: after a
    /// mark is deleted, <paramref name="uncopied"/> reads the head again, and what it holds beyond the copy is marked again.
    /// </summary>
    public async Task<long> CopyPendingAsync(Func<string, string, Task<long>> copy, Func<string, string, Task<bool>> uncopied, CancellationToken ct,
        TimerBudget? budget = null)
    {
        // In key order, starting where the last run stopped at its budget: marks stay until they settle, so a run that
        // started from the first mark each time would spend its budget on the same copied partitions and never reach the rest.
        var (marks, storageNow) = await ReadPendingAsync(ct);
        var pending = marks.OrderBy(Key, StringComparer.Ordinal).ToList();
        foreach (var gone in _quiet.Keys.Except(pending.Select(Key), StringComparer.Ordinal).ToList()) _quiet.TryRemove(gone, out _);
        if (_resumeAt is { } resume && pending.FindIndex(m => string.CompareOrdinal(Key(m), resume) >= 0) is var at and > 0)
            pending = [.. pending[at..], .. pending[..at]];
        var refused = new bool[pending.Count];
        var copied = await Bounded.SelectAsync(pending.Select((mark, i) => (mark, i)).ToList(), async item =>
        {
            var (mark, i) = item;
            // A partition copied already (its mark not yet settled) costs no step: only a copy that moved rows does.
            if (budget?.CanGoOn() == false) { refused[i] = true; return 0; } // the mark stays: the next run copies it
            // A quiet mark (copied after it was stored by more than a renewal, unchanged since) is not looked at again: a commit
            // since would have found this mark older than a renewal and written it again (a new ETag). Only its settling is due.
            var quiet = _quiet.TryGetValue(Key(mark), out var seen) && seen == mark.ETag;
            var n = quiet ? 0 : await copy(mark.Book, mark.Partition);
            if (n > 0) budget?.Spend();
            if (!quiet && storageNow is { } storedBy && mark.Stored is { } stored && storedBy - stored > Renewal + QuietMargin) _quiet[Key(mark)] = mark.ETag;
            if (await SettleAsync(mark, ct))
            {
                _quiet.TryRemove(Key(mark), out _);
                if (await uncopied(mark.Book, mark.Partition)) await MarkAsync(mark.Book, mark.Partition, ct, force: true);
            }
            return n;
        }, 8, ct);
        var first = Array.IndexOf(refused, true);
        _resumeAt = first < 0 ? null : Key(pending[first]);
        return copied.Sum();
    }

    /// <summary>Where this instance's next run starts (the first mark its last run left for its budget), or null.</summary>
    private string? _resumeAt;

    private static string Key(Mark mark) => mark.Book + "|" + mark.Partition;

    /// <summary>Deletes a settled mark whose partition was copied after the mark was read; a mark written again since stays. True when it deleted it.</summary>
    public async Task<bool> SettleAsync(Mark mark, CancellationToken ct)
    {
        if (time.GetUtcNow() - mark.At < Settled) return false;
        try
        {
            await table.DeleteEntityAsync(BucketOf(mark.Book, mark.Partition), mark.Partition, mark.ETag, ct);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 412) { return false; /* written again meanwhile, or settled by another copier */ }
    }

    private static string BucketOf(string book, string partition) => Bucket(book, (int)(Hashing.Fnv1a(partition) % Buckets));

    private static string Bucket(string book, int bucket) => book + "-" + bucket.ToString("x2", CultureInfo.InvariantCulture);
}

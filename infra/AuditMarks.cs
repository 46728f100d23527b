using System.Collections.Concurrent;
using System.Globalization;
using Azure;
using Azure.Data.Tables;

namespace Trading.Infra;

/// <summary>
/// Pending audit marks: before a write commits, its partition is marked (book and partition key, with the time), so the
/// audit copier visits only partitions that took writes, never the idle ones. A mark is renewed before a commit when this
/// instance wrote it more than <see cref="Renewal"/> ago; the copier deletes a mark (under If-Match) only once it is older
/// than <see cref="Settled"/> and everything up to the head read after the mark is copied, so a write that committed
/// after the copier's read always leaves a mark behind. Marks spread over <see cref="Buckets"/> partitions per book.
/// </summary>
public sealed class AuditMarks(StorageContext storage, TimeProvider time)
{
    public const string Ledger = Books.Ledger;
    public const string Loans = Books.Loans;

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
    public sealed record Mark(string Book, string Partition, DateTimeOffset At, ETag ETag);

    /// <summary>
    /// Marks the partition before a commit, and again after it (skipped while this instance's last mark of it is younger than
    /// <see cref="Renewal"/>; <paramref name="force"/>: always).
    /// </summary>
    public async Task MarkAsync(string book, string partition, CancellationToken ct, bool force = false)
    {
        var key = book + "|" + partition;
        var now = time.GetUtcNow();
        if (!force && _written.TryGetValue(key, out var at) && now - at < Renewal) return;
        await storage.AuditMarks.UpsertEntityAsync(new TableEntity(BucketOf(book, partition), partition) { ["Book"] = book, ["At"] = now },
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
            await storage.AuditMarks.SubmitTransactionAsync(batch.Partitions.Select(p => new TableTransactionAction(TableTransactionActionType.UpsertReplace,
                new TableEntity(batch.Bucket, p) { ["Book"] = book, ["At"] = now })), ct);
            return 0;
        }, Bounded.DefaultConcurrency, ct);
        foreach (var p in due) _written[book + "|" + p] = now;
    }

    /// <summary>Every pending mark (a bounded number of partition reads, whatever the number of partitions).</summary>
    public async Task<List<Mark>> PendingAsync(CancellationToken ct)
    {
        var buckets = Books.All.SelectMany(book => Enumerable.Range(0, Buckets).Select(b => Bucket(book, b))).ToList();
        var found = await Bounded.SelectAsync(buckets, async pk =>
        {
            var marks = new List<Mark>();
            await foreach (var e in storage.AuditMarks.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {pk}"), cancellationToken: ct))
                marks.Add(new Mark(e.GetString("Book"), e.RowKey, e.GetDateTimeOffset("At") ?? DateTimeOffset.MinValue, e.ETag));
            return marks;
        }, 8, ct);
        return found.SelectMany(m => m).ToList();
    }

    /// <summary>
    /// Deletes a settled mark whose partition was copied after the mark was read; a mark written again since stays. True
    /// when it deleted the mark (the copier then reads the head again and marks again what a late commit added).
    /// </summary>
    public async Task<bool> SettleAsync(Mark mark, CancellationToken ct)
    {
        if (time.GetUtcNow() - mark.At < Settled) return false;
        try
        {
            await storage.AuditMarks.DeleteEntityAsync(BucketOf(mark.Book, mark.Partition), mark.Partition, mark.ETag, ct);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 412) { return false; /* written again meanwhile, or settled by another copier */ }
    }

    private static string BucketOf(string book, string partition) => Bucket(book, (int)(Hashing.Fnv1a(partition) % Buckets));

    private static string Bucket(string book, int bucket) => book + "-" + bucket.ToString("x2", CultureInfo.InvariantCulture);
}

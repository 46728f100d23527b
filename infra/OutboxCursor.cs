using System.Collections.Concurrent;
using Azure;
using Azure.Data.Tables;

namespace Trading.Infra;

/// <summary>
/// The copy loop every outbox of the books shares (audit records to blobs, events to the queue and inboxes): a partition's
/// rows are numbered by a count in its head; its cursor row (<c>Copied</c>, <c>Claimed</c>) claims each range under
/// If-Match before the range is copied, and then says how far the copy got. A copier that dies in between leaves the claim;
/// once the claim's lease has run out the next run takes it over and copies the same range again (so each range's copy must
/// be idempotent or tolerated as a repeat). Two live copiers at once copy a range once: the second leaves a fresh claim alone.
/// </summary>
internal sealed class OutboxCursor
{
    /// <summary>Cursors remembered at most (beyond this the memory is cleared and rebuilt by reading).</summary>
    private const int MaxKnown = 100_000;

    /// <summary>
    /// What this process last knew of each cursor row (key: table, partition, cursor row) with no claim open: how far it was
    /// copied and its ETag, and the ETag of a head whose every row it had copied. A claim under If-Match on a remembered
    /// ETag is the very claim a fresh read would have led to (a cursor written since fails it with 412 or 404, and is then
    /// read); a head with the remembered ETag counts what it counted then, all copied (cursors only move forward). So a
    /// partition with nothing new costs one read (its head), and a new range is claimed without reading the cursor first.
    /// </summary>
    private readonly ConcurrentDictionary<string, Known> _known = new(StringComparer.Ordinal);

    private sealed record Known(long Copied, ETag CursorETag, ETag? CaughtUpHead);

    /// <summary>
    /// Copies the partition's new rows (row keys <paramref name="rowKey"/> of their numbers) in claimed ranges of at most
    /// <paramref name="batchSize"/>: <paramref name="copy"/> gets the first number and the range's rows in order; answers how
    /// many it copied.
    /// </summary>
    /// <param name="claimLease">
    /// How long another copier's claim is left to it (measured on storage's clock: the cursor's timestamp against the answer's
    /// date, so instances' clocks don't matter). Within it this copier leaves the range alone, so two copiers at once never
    /// copy a range twice; past it the claim counts as abandoned (its copier died) and is taken over under If-Match.
    /// </param>
    public async Task<long> CopyAsync(TableClient table, string partition, string headRow, string countColumn, string cursorRow,
        Func<long, string> rowKey, int batchSize, Func<long, IReadOnlyList<TableEntity>, Task> copy, TimeSpan claimLease, CancellationToken ct)
    {
        var key = Key(table, partition, cursorRow);
        long total = 0;
        while (true)
        {
            var head = await table.GetEntityIfExistsAsync<TableEntity>(partition, headRow, select: [countColumn], cancellationToken: ct);
            var count = head.HasValue ? head.Value!.GetInt64(countColumn) ?? 0 : 0;
            var headETag = head.HasValue ? head.Value!.ETag : (ETag?)null;
            _known.TryGetValue(key, out var known);
            if (known is not null && headETag is { } seen && known.CaughtUpHead == seen) return total; // the head as it was when all of it was copied
            long copied, claimed;
            ETag? etag;
            var remembered = known is not null && count > known.Copied;
            if (remembered)
            {
                // A new range from where this process last left the cursor: claimed under If-Match on its remembered ETag.
                copied = known!.Copied;
                etag = known.CursorETag;
                claimed = Math.Min(count, copied + batchSize);
            }
            else
            {
                var found = await table.GetEntityIfExistsAsync<TableEntity>(partition, cursorRow, cancellationToken: ct);
                var cursor = found.HasValue ? found.Value! : null;
                copied = cursor?.GetInt64("Copied") ?? 0;
                claimed = cursor?.GetInt64("Claimed") ?? copied;
                etag = cursor?.ETag;
                if (claimed > copied)
                {
                    _known.TryRemove(key, out _);
                    // Another copier's claim: left to it while it is fresh; taken over (by one copier only) once abandoned.
                    var age = found.GetRawResponse().Headers.Date is { } now && cursor!.Timestamp is { } at ? now - at : TimeSpan.MaxValue;
                    if (claimLease > TimeSpan.Zero && age < claimLease) return total;
                }
                else
                {
                    if (copied >= count)
                    {
                        if (etag is { } e) Remember(key, copied, e, headETag);
                        return total;
                    }
                    claimed = Math.Min(count, copied + batchSize);
                }
            }
            _known.TryRemove(key, out _); // a claim is open until the cursor moves past it
            etag = await WriteAsync(table, partition, cursorRow, copied, claimed, etag, ct);
            if (etag is null)
            {
                if (remembered) continue; // the cursor moved since this process last wrote it: read it
                return total; // another copier claimed (or took over) it first
            }
            var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey ge {rowKey(copied + 1)} and RowKey le {rowKey(claimed)}");
            var rows = new List<TableEntity>();
            await foreach (var row in table.QueryAsync<TableEntity>(filter, cancellationToken: ct)) rows.Add(row);
            if (rows.Count != claimed - copied) return total; // cannot happen for committed rows; the next run retries
            await copy(copied + 1, rows);
            var moved = await WriteAsync(table, partition, cursorRow, claimed, claimed, etag, ct);
            if (moved is null) return total; // another copier finished it
            Remember(key, claimed, moved.Value, claimed >= count ? headETag : null);
            total += claimed - copied;
            // Copied up to the head as read: no second look (a commit since then is behind its pending mark, for the next run).
            if (claimed >= count) return total;
        }
    }

    /// <summary>True when the partition's head counts rows beyond its cursor (a commit the copy did not see).</summary>
    public async Task<bool> UncopiedAsync(TableClient table, string partition, string headRow, string countColumn, string cursorRow, CancellationToken ct)
    {
        var key = Key(table, partition, cursorRow);
        var head = await table.GetEntityIfExistsAsync<TableEntity>(partition, headRow, select: [countColumn], cancellationToken: ct);
        var headETag = head.HasValue ? head.Value!.ETag : (ETag?)null;
        if (headETag is { } seen && _known.TryGetValue(key, out var known) && known.CaughtUpHead == seen) return false;
        var found = await table.GetEntityIfExistsAsync<TableEntity>(partition, cursorRow, select: ["Copied", "Claimed"], cancellationToken: ct);
        var count = head.HasValue ? head.Value!.GetInt64(countColumn) ?? 0 : 0;
        var copied = found.HasValue ? found.Value!.GetInt64("Copied") ?? 0 : 0;
        if (found.HasValue && found.Value!.GetInt64("Claimed") is { } claimed && claimed == copied)
            Remember(key, copied, found.Value.ETag, copied >= count ? headETag : null);
        return count > copied;
    }

    private void Remember(string key, long copied, ETag cursorETag, ETag? caughtUpHead)
    {
        if (_known.Count >= MaxKnown) _known.Clear();
        _known[key] = new Known(copied, cursorETag, caughtUpHead);
    }

    private static string Key(TableClient table, string partition, string cursorRow) => table.Name + "|" + partition + "|" + cursorRow;

    /// <summary>Writes the cursor under If-Match (or creates it); null when another copier wrote it first (or it is gone).</summary>
    private static async Task<ETag?> WriteAsync(TableClient table, string partition, string cursorRow, long copied, long claimed, ETag? etag, CancellationToken ct)
    {
        var entity = new TableEntity(partition, cursorRow) { ["Copied"] = copied, ["Claimed"] = claimed };
        try
        {
            var response = etag is { } e
                ? await table.UpdateEntityAsync(entity, e, TableUpdateMode.Replace, ct)
                : await table.AddEntityAsync(entity, ct);
            return response.Headers.ETag;
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 409 or 412)
        {
            return null;
        }
    }
}

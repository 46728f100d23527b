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
internal static class OutboxCursor
{
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
    public static async Task<long> CopyAsync(TableClient table, string partition, string headRow, string countColumn, string cursorRow,
        Func<long, string> rowKey, int batchSize, Func<long, IReadOnlyList<TableEntity>, Task> copy, TimeSpan claimLease, CancellationToken ct)
    {
        long total = 0;
        while (true)
        {
            var head = await table.GetEntityIfExistsAsync<TableEntity>(partition, headRow, select: [countColumn], cancellationToken: ct);
            var found = await table.GetEntityIfExistsAsync<TableEntity>(partition, cursorRow, cancellationToken: ct);
            var count = head.HasValue ? head.Value!.GetInt64(countColumn) ?? 0 : 0;
            var cursor = found.HasValue ? found.Value! : null;
            var copied = cursor?.GetInt64("Copied") ?? 0;
            var claimed = cursor?.GetInt64("Claimed") ?? copied;
            var etag = cursor?.ETag;
            if (claimed > copied)
            {
                // Another copier's claim: left to it while it is fresh; taken over (by one copier only) once abandoned.
                var age = found.GetRawResponse().Headers.Date is { } now && cursor!.Timestamp is { } at ? now - at : TimeSpan.MaxValue;
                if (claimLease > TimeSpan.Zero && age < claimLease) return total;
                etag = await WriteAsync(table, partition, cursorRow, copied, claimed, etag, ct);
                if (etag is null) return total; // another copier took it over first
            }
            else
            {
                if (copied >= count) return total;
                claimed = Math.Min(count, copied + batchSize);
                etag = await WriteAsync(table, partition, cursorRow, copied, claimed, etag, ct);
                if (etag is null) return total; // another copier claimed it
            }
            var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey ge {rowKey(copied + 1)} and RowKey le {rowKey(claimed)}");
            var rows = new List<TableEntity>();
            await foreach (var row in table.QueryAsync<TableEntity>(filter, cancellationToken: ct)) rows.Add(row);
            if (rows.Count != claimed - copied) return total; // cannot happen for committed rows; the next run retries
            await copy(copied + 1, rows);
            if (await WriteAsync(table, partition, cursorRow, claimed, claimed, etag, ct) is null) return total; // another copier finished it
            total += claimed - copied;
            // Copied up to the head as read: no second look (a commit since then is behind its pending mark, for the next run).
            if (claimed >= count) return total;
        }
    }

    /// <summary>True when the partition's head counts rows beyond its cursor (a commit the copy did not see).</summary>
    public static async Task<bool> UncopiedAsync(TableClient table, string partition, string headRow, string countColumn, string cursorRow, CancellationToken ct)
    {
        var head = await table.GetEntityIfExistsAsync<TableEntity>(partition, headRow, select: [countColumn], cancellationToken: ct);
        var cursor = await table.GetEntityIfExistsAsync<TableEntity>(partition, cursorRow, select: ["Copied"], cancellationToken: ct);
        return (head.HasValue ? head.Value!.GetInt64(countColumn) ?? 0 : 0) > (cursor.HasValue ? cursor.Value!.GetInt64("Copied") ?? 0 : 0);
    }

    /// <summary>Writes the cursor under If-Match (or creates it); null when another copier wrote it first.</summary>
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
        catch (RequestFailedException ex) when (ex.Status is 409 or 412)
        {
            return null;
        }
    }
}

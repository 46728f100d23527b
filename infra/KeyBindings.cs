using Azure;
using Azure.Data.Tables;
using Trading.Core.Access;
using Trading.Core.Ledger;
using Trading.Core.Writes;

namespace Trading.Infra;

/// <summary>
/// A caller's idempotency key bound across partitions and books (the market a trade names, the bank a loan names), so that a
/// retry naming another partition is still recognised: the binding is made before the first commit, removed again when the
/// request is refused, and taken over when the request that made it died before committing. A takeover first writes a
/// fence (an idempotency row naming the new binding's token) into the partition the old binding names: the old request's
/// commit creates its idempotency row there, so it fails from then on and can never take effect after the takeover.
/// </summary>
public sealed class KeyBindings(StorageContext storage, TimeProvider time) : IKeyBindings
{
    public const string Ledger = Books.Ledger;
    public const string Loans = Books.Loans;

    /// <summary>A key bound by a request that then died is free for another request after this long (if nothing was committed).</summary>
    public static readonly TimeSpan Abandoned = TimeSpan.FromMinutes(2);

    public async Task<KeyBinding?> FindAsync(string callerKeyHash, string fingerprint, CancellationToken ct)
    {
        var found = await storage.Idempotency.GetEntityIfExistsAsync<TableEntity>(callerKeyHash, "", cancellationToken: ct);
        if (!found.HasValue || found.Value is null) return null;
        var binding = ToBinding(found.Value, fingerprint);
        if (binding.Mine || await IsAbandonedAsync(binding, ct)) return binding;
        throw UseCaseRunner.KeyReused();
    }

    public async Task<(KeyBinding Binding, bool Made)> BindAsync(Principal caller, string callerKeyHash, string fingerprint, string book, string partition, string token,
        KeyBinding? abandoned, CancellationToken ct)
    {
        var entity = new TableEntity(callerKeyHash, "")
        {
            ["Fingerprint"] = fingerprint,
            ["Book"] = book,
            ["Market"] = partition,
            ["Caller"] = caller.Id,
            ["BoundAt"] = time.GetUtcNow(),
            ["Token"] = token,
        };
        try
        {
            if (abandoned is not null && !await FenceAsync(abandoned, token, ct)) throw UseCaseRunner.KeyReused();
            var response = abandoned is null
                ? await storage.Idempotency.AddEntityAsync(entity, ct)
                : await storage.Idempotency.UpdateEntityAsync(entity, new ETag(abandoned.Version), TableUpdateMode.Replace, ct);
            return (new KeyBinding(callerKeyHash, fingerprint, book, partition, time.GetUtcNow(), token, (response.Headers.ETag ?? ETag.All).ToString(), Mine: true), true);
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412)
        {
            var existing = await storage.Idempotency.GetEntityAsync<TableEntity>(callerKeyHash, "", cancellationToken: ct);
            var binding = ToBinding(existing.Value, fingerprint);
            return binding.Mine ? (binding, false) : throw UseCaseRunner.KeyReused();
        }
    }

    public async Task UnbindAsync(KeyBinding binding, CancellationToken ct)
    {
        try { await storage.Idempotency.DeleteEntityAsync(binding.CallerKeyHash, "", new ETag(binding.Version), ct); }
        catch (RequestFailedException ex) when (ex.Status is 404 or 412) { /* gone, or taken by a retry of the same request */ }
    }

    /// <summary>
    /// Writes the fence into the abandoned binding's partition; false when that request committed after all (its
    /// idempotency row is there, not a fence): the key is not free.
    /// </summary>
    private async Task<bool> FenceAsync(KeyBinding abandoned, string token, CancellationToken ct)
    {
        var table = storage.BookTable(abandoned.Book);
        var fence = IdempotencyRecord.Fence(abandoned.CallerKeyHash, token);
        var entity = new TableEntity(abandoned.Partition, BookLayout.Of(abandoned.Book).Idempotency(abandoned.CallerKeyHash))
        {
            ["Fingerprint"] = fence.Fingerprint,
            ["ResourceId"] = fence.ResourceId,
            ["Answer"] = fence.Answer,
        };
        try
        {
            await table.AddEntityAsync(entity, ct);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            var existing = await table.GetEntityAsync<TableEntity>(entity.PartitionKey, entity.RowKey, cancellationToken: ct);
            if (!LedgerRows.ToIdempotency(abandoned.CallerKeyHash, existing.Value).IsFence) return false;
            // An earlier takeover's fence: this one replaces it (the binding's If-Match decides which takeover wins).
            await table.UpdateEntityAsync(entity, existing.Value.ETag, TableUpdateMode.Replace, ct);
            return true;
        }
    }

    /// <summary>A binding whose request never committed (it died in between) and that is old enough that it never will.</summary>
    private async Task<bool> IsAbandonedAsync(KeyBinding binding, CancellationToken ct)
    {
        if (time.GetUtcNow() - binding.BoundAt < Abandoned) return false;
        var table = storage.BookTable(binding.Book);
        var committed = await table.GetEntityIfExistsAsync<TableEntity>(binding.Partition, BookLayout.Of(binding.Book).Idempotency(binding.CallerKeyHash), cancellationToken: ct);
        return !committed.HasValue || committed.Value is null || LedgerRows.ToIdempotency(binding.CallerKeyHash, committed.Value).IsFence;
    }

    private static KeyBinding ToBinding(TableEntity e, string fingerprint) => new(e.PartitionKey, e.GetString("Fingerprint"), e.GetString("Book") ?? Ledger,
        e.GetString("Market"), e.GetDateTimeOffset("BoundAt") ?? e.GetDateTimeOffset("ReservedAt") ?? DateTimeOffset.MinValue,
        e.GetString("Token") ?? e.ETag.ToString(), e.ETag.ToString(), e.GetString("Fingerprint") == fingerprint);
}

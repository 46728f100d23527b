using Azure;
using Azure.Data.Tables;
using Trading.Core;
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
/// A request claims the key by an insert while its partition loads; refused, it deletes its claim under the insert's
/// version. Another request with the same key and body commits under that binding only after adopting it (a write under
/// If-Match), so a deletion never pulls a binding from under a request that may still commit.
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

    private TableEntity Entity(Principal caller, string callerKeyHash, string fingerprint, string book, string partition, string token) => new(callerKeyHash, "")
    {
        ["Fingerprint"] = fingerprint,
        ["Book"] = book,
        ["Market"] = partition,
        ["Caller"] = caller.Id,
        ["BoundAt"] = time.GetUtcNow(),
        ["Token"] = token,
    };

    public async Task<(KeyBinding Binding, bool Made)> ClaimAsync(Principal caller, string callerKeyHash, string fingerprint, string book, string partition,
        string token, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var response = await storage.Idempotency.AddEntityAsync(Entity(caller, callerKeyHash, fingerprint, book, partition, token), ct);
                return (new KeyBinding(callerKeyHash, fingerprint, book, partition, time.GetUtcNow(), token, (response.Headers.ETag ?? ETag.All).ToString(), Mine: true), true);
            }
            catch (RequestFailedException ex) when (ex.Status == 409)
            {
                // Bound before: this request's (a retry, or a duplicate sent at once), abandoned, or another request's (422).
                if (await FindAsync(callerKeyHash, fingerprint, ct) is { } bound) return (bound, false);
                // Released between the insert and the read: claim it again.
                if (attempt >= 5) throw Moved();
            }
        }
    }

    public async Task<KeyBinding?> AdoptAsync(KeyBinding binding, CancellationToken ct)
    {
        try
        {
            var response = await storage.Idempotency.UpdateEntityAsync(new TableEntity(binding.CallerKeyHash, "") { ["AdoptedAt"] = time.GetUtcNow() },
                new ETag(binding.Version), TableUpdateMode.Merge, ct);
            return binding with { Version = (response.Headers.ETag ?? ETag.All).ToString() };
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 412)
        {
            return null;
        }
    }

    /// <summary>
    /// Deletes a binding this request claimed, under the version its insert got: any other request that may commit under
    /// it adopted it first (a write), so a binding still at that version has none, and nothing was committed under it.
    /// </summary>
    public async Task ReleaseAsync(KeyBinding claimed, CancellationToken ct)
    {
        try { await storage.Idempotency.DeleteEntityAsync(claimed.CallerKeyHash, "", new ETag(claimed.Version), ct); }
        catch (RequestFailedException ex) when (ex.Status is 404 or 412) { /* adopted (it stays for its adopter), or taken over */ }
    }

    public async Task<(KeyBinding Binding, bool Made)> BindAsync(Principal caller, string callerKeyHash, string fingerprint, string book, string partition, string token,
        KeyBinding? abandoned, CancellationToken ct)
    {
        var entity = Entity(caller, callerKeyHash, fingerprint, book, partition, token);
        try
        {
            if (abandoned is not null && !await FenceAsync(abandoned, ct)) throw UseCaseRunner.KeyReused();
            var response = abandoned is null
                ? await storage.Idempotency.AddEntityAsync(entity, ct)
                : await storage.Idempotency.UpdateEntityAsync(entity, new ETag(abandoned.Version), TableUpdateMode.Replace, ct);
            return (new KeyBinding(callerKeyHash, fingerprint, book, partition, time.GetUtcNow(), token, (response.Headers.ETag ?? ETag.All).ToString(), Mine: true), true);
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412)
        {
            var existing = await storage.Idempotency.GetEntityIfExistsAsync<TableEntity>(callerKeyHash, "", cancellationToken: ct);
            if (!existing.HasValue || existing.Value is null) throw Moved();
            var binding = ToBinding(existing.Value, fingerprint);
            return binding.Mine ? (binding, false) : throw UseCaseRunner.KeyReused();
        }
        catch (RequestFailedException ex) when (ex.Status == 404 && ex.ErrorCode != "TableNotFound")
        {
            throw Moved();
        }
    }

    /// <summary>
    /// Releases the key of a refused request. The binding stays, marked free at once (not deleted): a request with the same
    /// key and body that adopted it and may still commit is then found by the next request's check of the partition
    /// (422), or fenced out by its takeover, never overtaken by a second effect elsewhere.
    /// </summary>
    public async Task UnbindAsync(KeyBinding binding, CancellationToken ct)
    {
        var released = new TableEntity(binding.CallerKeyHash, "")
        {
            ["Fingerprint"] = binding.Fingerprint,
            ["Book"] = binding.Book,
            ["Market"] = binding.Partition,
            ["BoundAt"] = DateTimeOffset.UnixEpoch,
            ["Token"] = binding.Token,
        };
        try { await storage.Idempotency.UpdateEntityAsync(released, new ETag(binding.Version), TableUpdateMode.Replace, ct); }
        catch (RequestFailedException ex) when (ex.Status is 404 or 412) { /* gone, or taken by a retry of the same request */ }
    }

    /// <summary>
    /// Writes the fence into the abandoned binding's partition, shutting its token out; false when that request committed
    /// after all (its idempotency row is there, not a fence): the key is not free.
    /// </summary>
    private async Task<bool> FenceAsync(KeyBinding abandoned, CancellationToken ct)
    {
        var table = storage.BookTable(abandoned.Book);
        var rowKey = BookLayout.Of(abandoned.Book).Idempotency(abandoned.CallerKeyHash);
        for (var attempt = 1; ; attempt++)
        {
            var existing = await table.GetEntityIfExistsAsync<TableEntity>(abandoned.Partition, rowKey, cancellationToken: ct);
            var current = existing.HasValue && existing.Value is not null ? LedgerRows.ToIdempotency(abandoned.CallerKeyHash, existing.Value) : null;
            if (current is { IsFence: false }) return false;
            var fence = current?.Excluding(abandoned.Token) ?? IdempotencyRecord.Fence(abandoned.CallerKeyHash, abandoned.Token);
            var entity = new TableEntity(abandoned.Partition, rowKey) { ["Fingerprint"] = fence.Fingerprint, ["ResourceId"] = fence.ResourceId, ["Answer"] = fence.Answer };
            try
            {
                if (current is null) await table.AddEntityAsync(entity, ct);
                else if (!ReferenceEquals(fence, current)) await table.UpdateEntityAsync(entity, existing.Value!.ETag, TableUpdateMode.Replace, ct);
                return true;
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412 && attempt < 5)
            {
                // Written meanwhile (the old request committing, or another takeover): look again.
            }
        }
    }

    private static UnavailableException Moved() => new("The Idempotency-Key's binding changed while this request was made; nothing was recorded. Retry with the same key.");

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

using Azure;
using Azure.Data.Tables;
using Trading.Core.Access;
using Trading.Core.Ledger;

namespace Trading.Infra;

/// <summary>
/// A caller's idempotency key bound across partitions (the market a trade names, the bank a loan names), so that a retry
/// naming another partition is still recognised: the binding is made before the first commit, removed again when the
/// request is refused, and taken over when the request that made it died before committing.
/// </summary>
public sealed class KeyBindings(StorageContext storage, TimeProvider time)
{
    public const string Ledger = "ledger";
    public const string Loans = "loans";

    /// <summary>A key bound by a request that then died is free for another request after this long (if nothing was committed).</summary>
    private static readonly TimeSpan s_abandoned = TimeSpan.FromMinutes(2);

    /// <summary>The key's binding if it is bound to this request; 422 if it is bound to another one that took effect (or may still).</summary>
    public async Task<KeyBinding?> FindAsync(string callerKeyHash, string fingerprint, CancellationToken ct)
    {
        var found = await storage.Idempotency.GetEntityIfExistsAsync<TableEntity>(callerKeyHash, "", cancellationToken: ct);
        if (!found.HasValue || found.Value is null) return null;
        var binding = ToBinding(found.Value, fingerprint);
        if (binding.Mine || await IsAbandonedAsync(binding, ct)) return binding;
        throw UseCaseRunner.KeyReused();
    }

    /// <summary>Binds the key to this request (first writer wins), or takes over an abandoned binding; true when this call made the binding.</summary>
    public async Task<(KeyBinding, bool)> BindAsync(Principal caller, string callerKeyHash, string fingerprint, string book, string partition, KeyBinding? abandoned,
        CancellationToken ct)
    {
        var entity = new TableEntity(callerKeyHash, "")
        {
            ["Fingerprint"] = fingerprint,
            ["Book"] = book,
            ["Market"] = partition,
            ["Caller"] = caller.Id,
            ["BoundAt"] = time.GetUtcNow(),
        };
        try
        {
            var response = abandoned is null
                ? await storage.Idempotency.AddEntityAsync(entity, ct)
                : await storage.Idempotency.UpdateEntityAsync(entity, abandoned.ETag, TableUpdateMode.Replace, ct);
            return (new KeyBinding(callerKeyHash, fingerprint, book, partition, time.GetUtcNow(), response.Headers.ETag ?? ETag.All, Mine: true), true);
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
        try { await storage.Idempotency.DeleteEntityAsync(binding.CallerKeyHash, "", binding.ETag, ct); }
        catch (RequestFailedException ex) when (ex.Status is 404 or 412) { /* gone, or taken by a retry of the same request */ }
    }

    /// <summary>A binding whose request never committed (it died in between) and that is old enough that it never will.</summary>
    private async Task<bool> IsAbandonedAsync(KeyBinding binding, CancellationToken ct)
    {
        if (time.GetUtcNow() - binding.BoundAt < s_abandoned) return false;
        var table = binding.Book == Loans ? storage.Loans : storage.Ledger;
        var committed = await table.GetEntityIfExistsAsync<TableEntity>(binding.Partition, LedgerRows.Idempotency(binding.CallerKeyHash), select: ["RowKey"], cancellationToken: ct);
        return !committed.HasValue;
    }

    private static KeyBinding ToBinding(TableEntity e, string fingerprint) => new(e.PartitionKey, e.GetString("Fingerprint"), e.GetString("Book") ?? Ledger,
        e.GetString("Market"), e.GetDateTimeOffset("BoundAt") ?? e.GetDateTimeOffset("ReservedAt") ?? DateTimeOffset.MinValue, e.ETag,
        e.GetString("Fingerprint") == fingerprint);
}

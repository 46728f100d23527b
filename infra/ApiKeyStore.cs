using System.Security.Cryptography;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Trading.Core;
using Trading.Core.Access;
using Trading.Core.Enterprises;
using Trading.Core.Keys;
using Trading.Core.Registers;
using Trading.Core.Writes;

namespace Trading.Infra;

/// <summary>
/// API keys, stored as SHA-256 hashes only (a key is shown once, when issued), all in one partition (<c>key</c>) keyed by
/// hash. A key's id is the first 16 hex digits of its hash: it names the key in lists and revocations without revealing it.
/// Issue and revoke are use cases (<see cref="IssueKey"/>, <see cref="RevokeKey"/>) on the book <see cref="Books.Keys"/>
/// through the one shell: the audit record (and, under an Idempotency-Key, the idempotency record) commit with the key's
/// row. The partition's head, audit and idempotency rows sort after every hex hash (<see cref="BookLayout.Register"/>), and
/// the list reads the hash range only.
/// </summary>
public sealed class ApiKeyStore
{
    private readonly StorageContext _storage;
    private readonly WriteShell<RegisterReads, RegisterSnapshot<ApiKey>> _shell;

    public ApiKeyStore(StorageContext storage, KeyBindings bindings, AuditMarks auditMarks, ILogger<ApiKeyStore> logger, TimeProvider time)
    {
        _storage = storage;
        var rows = new TableRegisterRows<ApiKey>(storage, Books.Keys, ToKey, ReadByIdAsync);
        _shell = new WriteShell<RegisterReads, RegisterSnapshot<ApiKey>>(Books.Keys, rows, bindings, new RegisterHooks(Books.Keys, storage, auditMarks, logger), time);
    }

    /// <summary>
    /// Issues a new random key through <see cref="IssueKey"/>; the clear key is returned and never stored. A replay under
    /// the same Idempotency-Key answers the stored record (<see cref="WriteOutcome{T}.Replayed"/>, no key: it was shown once).
    /// </summary>
    public async Task<(string Key, WriteOutcome<ApiKey> Outcome)> IssueAsync(Principal caller, Principal subject, DateTimeOffset? expiresAt, string? idempotencyKey,
        Func<ApiKey, string> render, string? traceId, CancellationToken ct)
    {
        var key = "trk_" + Hashing.Base64Url(RandomNumberGenerator.GetBytes(32));
        var outcome = await _shell.ExecuteAsync(new IssueKey(Hashing.Sha256Hex(key), subject, expiresAt, idempotencyKey is not null), caller, idempotencyKey, render,
            traceId, ct);
        return (key, outcome);
    }

    /// <summary>Revokes the key with this id through <see cref="RevokeKey"/>; revoking again answers as it is and writes nothing. 404 when no key has the id.</summary>
    public Task<WriteOutcome<ApiKey>> RevokeAsync(Principal caller, string id, Func<ApiKey, string> render, string? traceId, CancellationToken ct) =>
        ApiKey.IsId(id) ? _shell.ExecuteAsync(new RevokeKey(id), caller, null, render, traceId, ct) : throw new NotFoundException($"No key {id}.");

    /// <summary>
    /// Registers a key chosen by the caller (the demo data set's published keys, which do not expire); stored hashed. This is
    /// seeding, not a write of the API: a direct upsert, with no audit record.
    /// </summary>
    public async Task RegisterAsync(string key, Principal principal, string issuedBy, CancellationToken ct) =>
        await _storage.Keys.UpsertEntityAsync(Entity(new ApiKey(Hashing.Sha256Hex(key), principal, DateTimeOffset.UtcNow, issuedBy, null)), TableUpdateMode.Replace, ct);

    /// <summary>The key's record, or null if the key is unknown (expired and revoked keys are returned: the caller decides).</summary>
    public async Task<ApiKeyInfo?> FindAsync(string key, CancellationToken ct)
    {
        var found = await _storage.Keys.GetEntityIfExistsAsync<TableEntity>(ApiKey.Partition, Hashing.Sha256Hex(key), cancellationToken: ct);
        return found.HasValue && found.Value is not null ? Info(ToKey(found.Value)) : null;
    }

    /// <summary>The keys (never the register's head, audit or idempotency rows: they sort after every hash).</summary>
    public async Task<ListPage<ApiKeyInfo>> ListAsync(int pageSize, string? continuationToken, CancellationToken ct)
    {
        var cursor = ContinuationTokens.Decode(continuationToken);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {ApiKey.Partition} and RowKey lt {BookLayout.RegisterItemsEnd}");
        if (cursor is not null) filter += " and " + TableClient.CreateQueryFilter($"RowKey gt {cursor}");
        var rows = new List<TableEntity>();
        await foreach (var row in _storage.Keys.QueryAsync<TableEntity>(filter, maxPerPage: pageSize + 1, cancellationToken: ct))
        {
            rows.Add(row);
            if (rows.Count > pageSize) break;
        }
        var items = rows.Take(pageSize).Select(r => Info(ToKey(r))).ToList();
        return new ListPage<ApiKeyInfo>(items, rows.Count > pageSize ? ContinuationTokens.Encode(rows[pageSize - 1].RowKey) : null);
    }

    public static ApiKeyInfo Info(ApiKey k) => new(k.Id, k.Principal, k.IssuedAt, k.IssuedBy, k.ExpiresAt, k.RevokedAt);

    /// <summary>A key's row by its full hash (a point read) or by its id (the range of hashes it starts).</summary>
    private static async Task<TableEntity?> ReadByIdAsync(TableClient table, string partition, string id, CancellationToken ct)
    {
        if (!ApiKey.IsId(id))
        {
            var r = await table.GetEntityIfExistsAsync<TableEntity>(partition, id, cancellationToken: ct);
            return r.HasValue ? r.Value : null;
        }
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey ge {id[1..]} and RowKey lt {id[1..] + "g"}");
        await foreach (var row in table.QueryAsync<TableEntity>(filter, maxPerPage: 1, cancellationToken: ct)) return row;
        return null;
    }

    internal static TableEntity Entity(ApiKey k) => new(ApiKey.Partition, k.Hash)
    {
        ["Role"] = k.Principal.RoleName,
        ["Subject"] = k.Principal.Subject,
        ["IssuedBy"] = k.IssuedBy,
        ["IssuedAt"] = k.IssuedAt,
        ["ExpiresAt"] = k.ExpiresAt,
        ["RevokedAt"] = k.RevokedAt,
        ["RevokedBy"] = k.RevokedBy,
    };

    private static ApiKey ToKey(TableEntity e)
    {
        var principal = Principal.TryCreate(e.GetString("Role"), e.GetString("Subject"), new FieldErrors())
                        ?? throw new InvalidOperationException("a stored key has an invalid role or subject");
        return new ApiKey(e.RowKey, principal, e.GetDateTimeOffset("IssuedAt") ?? DateTimeOffset.MinValue, e.GetString("IssuedBy"), e.GetDateTimeOffset("ExpiresAt"),
            e.GetDateTimeOffset("RevokedAt"), e.GetString("RevokedBy"));
    }
}

using System.Security.Cryptography;
using Azure;
using Azure.Data.Tables;
using Trading.Core;
using Trading.Core.Access;
using Trading.Core.Enterprises;

namespace Trading.Infra;

/// <summary>
/// API keys, stored as SHA-256 hashes only (a key is shown once, when issued), all in one partition keyed by hash. A key's
/// id is the first 16 hex digits of its hash: it names the key in lists and revocations without revealing it.
/// </summary>
public sealed class ApiKeyStore(StorageContext storage, TimeProvider time)
{
    private const string Partition = "key";
    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromDays(365);

    /// <summary>Issues a new random key; the clear key is returned and never stored.</summary>
    public async Task<(string Key, ApiKeyInfo Info)> IssueAsync(Principal principal, string issuedBy, DateTimeOffset? expiresAt, CancellationToken ct)
    {
        var key = "trk_" + Hashing.Base64Url(RandomNumberGenerator.GetBytes(32));
        var entity = Entity(key, principal, issuedBy, expiresAt ?? time.GetUtcNow() + DefaultLifetime);
        await storage.Keys.AddEntityAsync(entity, ct);
        return (key, ToInfo(entity));
    }

    /// <summary>Registers a key chosen by the caller (the demo data set's published keys, which do not expire); stored hashed.</summary>
    public async Task RegisterAsync(string key, Principal principal, string issuedBy, CancellationToken ct) =>
        await storage.Keys.UpsertEntityAsync(Entity(key, principal, issuedBy, null), TableUpdateMode.Replace, ct);

    /// <summary>The key's record, or null if the key is unknown (expired and revoked keys are returned: the caller decides).</summary>
    public async Task<ApiKeyInfo?> FindAsync(string key, CancellationToken ct)
    {
        var found = await storage.Keys.GetEntityIfExistsAsync<TableEntity>(Partition, Hashing.Sha256Hex(key), cancellationToken: ct);
        return found.HasValue && found.Value is not null ? ToInfo(found.Value) : null;
    }

    public async Task<ListPage<ApiKeyInfo>> ListAsync(int pageSize, string? continuationToken, CancellationToken ct)
    {
        var cursor = ContinuationTokens.Decode(continuationToken);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {Partition}");
        if (cursor is not null) filter += " and " + TableClient.CreateQueryFilter($"RowKey gt {cursor}");
        var rows = new List<TableEntity>();
        await foreach (var row in storage.Keys.QueryAsync<TableEntity>(filter, maxPerPage: pageSize + 1, cancellationToken: ct))
        {
            rows.Add(row);
            if (rows.Count > pageSize) break;
        }
        var items = rows.Take(pageSize).Select(ToInfo).ToList();
        return new ListPage<ApiKeyInfo>(items, rows.Count > pageSize ? ContinuationTokens.Encode(rows[pageSize - 1].RowKey) : null);
    }

    /// <summary>Revokes the key with this id; revoking again answers the first revocation. Null when no key has the id.</summary>
    public async Task<ApiKeyInfo?> RevokeAsync(string id, string revokedBy, CancellationToken ct)
    {
        if (id.Length != 17 || id[0] != 'k' || !id[1..].All(char.IsAsciiHexDigitLower)) return null;
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {Partition} and RowKey ge {id[1..]} and RowKey lt {id[1..] + "g"}");
        await foreach (var row in storage.Keys.QueryAsync<TableEntity>(filter, cancellationToken: ct))
        {
            if (row.GetDateTimeOffset("RevokedAt") is not null) return ToInfo(row);
            row["RevokedAt"] = time.GetUtcNow();
            row["RevokedBy"] = revokedBy;
            try { await storage.Keys.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace, ct); }
            catch (RequestFailedException ex) when (ex.Status == 412) { return await RevokeAsync(id, revokedBy, ct); }
            return ToInfo(row);
        }
        return null;
    }

    private TableEntity Entity(string key, Principal principal, string issuedBy, DateTimeOffset? expiresAt) => new(Partition, Hashing.Sha256Hex(key))
    {
        ["Role"] = principal.RoleName,
        ["Subject"] = principal.Subject,
        ["IssuedBy"] = issuedBy,
        ["IssuedAt"] = time.GetUtcNow(),
        ["ExpiresAt"] = expiresAt,
    };

    private static ApiKeyInfo ToInfo(TableEntity e)
    {
        var principal = Principal.TryCreate(e.GetString("Role"), e.GetString("Subject"), new FieldErrors())
                        ?? throw new InvalidOperationException("a stored key has an invalid role or subject");
        return new ApiKeyInfo("k" + e.RowKey[..16], principal, e.GetDateTimeOffset("IssuedAt") ?? DateTimeOffset.MinValue, e.GetString("IssuedBy"),
            e.GetDateTimeOffset("ExpiresAt"), e.GetDateTimeOffset("RevokedAt"));
    }
}

using System.Security.Cryptography;
using Azure;
using Azure.Data.Tables;
using Trading.Core;
using Trading.Core.Access;

namespace Trading.Infra;

/// <summary>API keys, stored as SHA-256 hashes only: a key is shown once, when it is issued.</summary>
public sealed class ApiKeyStore(StorageContext storage, TimeProvider time)
{
    private const string Row = "key";

    /// <summary>Issues a new random key for <paramref name="principal"/>; the clear key is returned and never stored.</summary>
    public async Task<string> IssueAsync(Principal principal, string issuedBy, CancellationToken ct)
    {
        var key = "trk_" + Hashing.Base64Url(RandomNumberGenerator.GetBytes(32));
        await storage.Keys.AddEntityAsync(Entity(key, principal, issuedBy), ct);
        return key;
    }

    /// <summary>Registers a key chosen by the caller (the demo data set's published keys); stored hashed like any other.</summary>
    public async Task RegisterAsync(string key, Principal principal, string issuedBy, CancellationToken ct)
    {
        await storage.Keys.UpsertEntityAsync(Entity(key, principal, issuedBy), TableUpdateMode.Replace, ct);
    }

    /// <summary>The principal of a key, or null if the key is unknown.</summary>
    public async Task<Principal?> FindAsync(string key, CancellationToken ct)
    {
        var found = await storage.Keys.GetEntityIfExistsAsync<TableEntity>(Hashing.Sha256Hex(key), Row, cancellationToken: ct);
        if (!found.HasValue || found.Value is null) return null;
        var errors = new FieldErrors();
        var principal = Principal.TryCreate(found.Value.GetString("Role"), found.Value.GetString("Subject"), errors);
        return principal ?? throw new InvalidOperationException("a stored key has an invalid role or subject");
    }

    /// <summary>Only the key's hash is stored.</summary>
    private TableEntity Entity(string key, Principal principal, string issuedBy) => new(Hashing.Sha256Hex(key), Row)
    {
        ["Role"] = principal.RoleName,
        ["Subject"] = principal.Subject,
        ["IssuedBy"] = issuedBy,
        ["IssuedAt"] = time.GetUtcNow(),
    };
}

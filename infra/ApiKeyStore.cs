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
        var key = "trk_" + Base64Url(RandomNumberGenerator.GetBytes(32));
        var entity = new TableEntity(Hashing.Sha256Hex(key), Row)
        {
            ["Role"] = principal.RoleName,
            ["Subject"] = principal.Subject,
            ["IssuedBy"] = issuedBy,
            ["IssuedAt"] = time.GetUtcNow(),
        };
        await storage.Keys.AddEntityAsync(entity, ct);
        return key;
    }

    /// <summary>Registers a key chosen by the caller (the demo data set's published keys); stored hashed like any other.</summary>
    public async Task RegisterAsync(string key, Principal principal, string issuedBy, CancellationToken ct)
    {
        var entity = new TableEntity(Hashing.Sha256Hex(key), Row)
        {
            ["Role"] = principal.RoleName,
            ["Subject"] = principal.Subject,
            ["IssuedBy"] = issuedBy,
            ["IssuedAt"] = time.GetUtcNow(),
        };
        await storage.Keys.UpsertEntityAsync(entity, TableUpdateMode.Replace, ct);
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

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

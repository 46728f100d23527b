using Trading.Core.Access;

namespace Trading.Infra;

/// <summary>An issued key as listed to admin: never the key itself.</summary>
public sealed record ApiKeyInfo(string Id, Principal Principal, DateTimeOffset CreatedAt, string CreatedBy, DateTimeOffset? ExpiresAt, DateTimeOffset? RevokedAt)
{
    public bool IsValidAt(DateTimeOffset now) => RevokedAt is null && (ExpiresAt is null || now < ExpiresAt);
}

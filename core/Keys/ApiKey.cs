using Trading.Core.Access;
using Trading.Core.Writes;

namespace Trading.Core.Keys;

/// <summary>
/// An issued API key as stored: its SHA-256 hash (never the key), the principal it maps to, and its life. Its
/// <see cref="Id"/> is <c>k</c> and the first 16 hex digits of the hash: it names the key without revealing it.
/// </summary>
public sealed record ApiKey(string Hash, Principal Principal, DateTimeOffset IssuedAt, string IssuedBy, DateTimeOffset? ExpiresAt,
    DateTimeOffset? RevokedAt = null, string? RevokedBy = null) : IRow
{
    /// <summary>The one partition of the keys table that holds every key (and the register's head and audit rows).</summary>
    public const string Partition = "key";

    /// <summary>How long a key issued without <c>expiresAt</c> lives.</summary>
    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromDays(365);

    public string Id => IdOf(Hash);

    public static string IdOf(string hash) => "k" + hash[..16];

    /// <summary>True for a text that has the form of a key id (<c>k</c> and 16 lower-case hex digits).</summary>
    public static bool IsId(string? text) => text is { Length: 17 } && text[0] == 'k' && text[1..].All(char.IsAsciiHexDigitLower);

    public bool IsValidAt(DateTimeOffset now) => RevokedAt is null && (ExpiresAt is null || now < ExpiresAt);

    public TResult Accept<TResult>(IRowVisitor<TResult> visitor) => visitor.Visit(this);
}

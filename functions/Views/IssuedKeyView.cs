using Trading.Functions.Hosting;

namespace Trading.Functions;

/// <summary>A key just issued: the only time the key is shown (a replay under the same Idempotency-Key names it without the key).</summary>
public sealed record IssuedKeyView(string Id, string? Key, string Role, string Subject, [property: SchemaFormat("date-time")] string? ExpiresAt);

using Trading.Functions.Hosting;

namespace Trading.Functions;

/// <summary>A key as listed: never the key itself.</summary>
public sealed record KeyView(
    string Id, string Role, string Subject, [property: SchemaFormat("date-time")] string CreatedAt, string CreatedBy,
    [property: SchemaFormat("date-time")] string? ExpiresAt, [property: SchemaFormat("date-time")] string? RevokedAt);

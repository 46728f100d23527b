using Trading.Core.Primitives;

namespace Trading.Core.Alerts;

/// <summary>A declared alert's terms, well-formed (the use case checks its window).</summary>
public sealed record AlertRequest(RegionPrefix Region, AlertLevel Level, DateTimeOffset StartsAt, DateTimeOffset EndsAt, string Reason);

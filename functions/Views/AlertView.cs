using Trading.Functions.Hosting;

namespace Trading.Functions;

public sealed record AlertView(
    string Id, string Region, string Level, string Status, [property: SchemaFormat("date-time")] string StartsAt,
    [property: SchemaFormat("date-time")] string EndsAt, string Reason, string DeclaredBy, [property: SchemaFormat("date-time")] string DeclaredAt,
    bool Lifted, [property: SchemaFormat("date-time")] string? LiftedAt, string? LiftedBy, AlertNoticesView Notified);

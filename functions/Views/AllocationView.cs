using Trading.Functions.Hosting;

namespace Trading.Functions;

public sealed record AllocationView(
    string Id, string Holder, string Region, string Pollutant, decimal Quantity, string Reference,
    [property: SchemaFormat("date-time")] string RecordedAt, string RecordedBy, string Status, RevocationView? Revoked);

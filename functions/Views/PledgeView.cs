using Trading.Functions.Hosting;

namespace Trading.Functions;

public sealed record PledgeView(
    string Id, string Status, string RequestedBy, string BankId, string Holder, string Region, string Pollutant, decimal Quantity,
    decimal LoanAmount, string? Reference, [property: SchemaFormat("date-time")] string CreatedAt, string CreatedBy,
    [property: SchemaFormat("date-time")] string? ExpiresAt, [property: SchemaFormat("date-time")] string? ActivatedAt, string? ActivatedBy,
    [property: SchemaFormat("date-time")] string? EndedAt, string? EndedBy);

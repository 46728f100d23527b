using Trading.Functions.Hosting;

namespace Trading.Functions;

public sealed record ProposalView(
    string Id, string Status, string ProposedBy, string Counterparty, string Region, string Pollutant, string Seller, string Buyer,
    decimal Quantity, decimal UnitPrice, int TermYears, string Method, decimal Amount, string? Reference,
    [property: SchemaFormat("date-time")] string CreatedAt, [property: SchemaFormat("date-time")] string ExpiresAt,
    [property: SchemaFormat("date-time")] string? EndedAt, string? EndedBy, TradeView? Trade);

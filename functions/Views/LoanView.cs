using Trading.Functions.Hosting;

namespace Trading.Functions;

public sealed record LoanView(
    string Id, string Status, string BankId, string Borrower, string BorrowerRegion, string? ProductId, decimal Amount, decimal AnnualRatePct,
    int TermMonths, [property: SchemaFormat("date-time")] string GrantedAt, string Month, string? Reference, string? Application,
    string? Pledge, [property: SchemaFormat("date-time")] string RecordedAt, string RecordedBy, [property: SchemaFormat("date-time")] string? RepaidAt);

using Trading.Functions.Hosting;

namespace Trading.Functions;

/// <summary>
/// A loan application: <c>pledge</c> is the rights offered (a pledge product; frozen while submitted, <c>id</c> the offer's
/// pledge), <c>loan</c> the granted loan as <c>GET /api/loans/{id}</c> answers it.
/// </summary>
public sealed record ApplicationView(
    string Id, string Status, string BankId, string ProductId, string Applicant, decimal Amount, string? Purpose,
    [property: SchemaFormat("date-time")] string CreatedAt, [property: SchemaFormat("date-time")] string ExpiresAt,
    [property: SchemaFormat("date-time")] string? DecidedAt, string? DecidedBy, string? Reason, LoanView? Loan, OfferedPledgeView? Pledge);

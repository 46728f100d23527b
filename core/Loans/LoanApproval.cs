using Trading.Core.Primitives;

namespace Trading.Core.Loans;

/// <summary>
/// The bank's terms for a pledge loan, recorded on the application when it approves (step 1 of the grant): the loan's
/// terms, the quantity it takes in pledge (at most what was offered; null without a pledge), the loan number reserved for it, and who approved
/// when. The loan written at the end of the grant is built from these alone, so every reader builds the same loan.
/// </summary>
public sealed record LoanApproval(LoanTerms Terms, Quantity? Taken, long LoanNumber, RegionCode BorrowerRegion, DateTimeOffset At, string By);

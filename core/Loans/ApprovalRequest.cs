using Trading.Core.Primitives;

namespace Trading.Core.Loans;

/// <summary>
/// What a bank asks when it approves: the loan's terms, the quantity it takes in pledge (null: all that was offered), the
/// rights it names (optional; when given they must be the ones offered), and what the decision needs from outside the
/// bank's book: the product's minimum amount and the borrower's registered region.
/// </summary>
public sealed record ApprovalRequest(LoanTerms Terms, Quantity? Take, MarketId? Market, Money MinAmount, RegionCode BorrowerRegion);

using Trading.Core.Access;
using Trading.Core.Primitives;

namespace Trading.Core.Loans;

/// <summary>What one bank lent one borrower in one month (China time) in the borrower's region: the counter the loan figures read.</summary>
public sealed record LoanCounter(RegionCode Region, ReportingMonth Month, BankId Bank, CreditCode Borrower, long Loans, long Fen);

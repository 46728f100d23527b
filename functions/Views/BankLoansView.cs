namespace Trading.Functions;

public sealed record BankLoansView(string BankId, long Firms, Int128 Loans, decimal Amount);

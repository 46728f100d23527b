namespace Trading.Functions;

public sealed record BankLoansView(string BankId, long Firms, long Loans, decimal Amount);

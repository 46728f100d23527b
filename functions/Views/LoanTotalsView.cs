namespace Trading.Functions;

public sealed record LoanTotalsView(long Firms, long Loans, decimal Amount);

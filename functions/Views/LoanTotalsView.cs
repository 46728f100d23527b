namespace Trading.Functions;

public sealed record LoanTotalsView(long Firms, Int128 Loans, decimal Amount);

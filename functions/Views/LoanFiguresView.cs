namespace Trading.Functions;

/// <summary>Green loans granted to a region's firms over a range of months (<c>aggregates/loans</c>), with the year before.</summary>
public sealed record LoanFiguresView(string Region, string From, string To, long Firms, Int128 Loans, decimal Amount, IReadOnlyList<BankLoansView> ByBank,
    LoanTotalsView PreviousYear, LoanChangeView Yoy, string Summary);

namespace Trading.Core.Loans;

/// <summary>An application as decided (granted, with its loan, or declined): the resource of a <c>loan.application.decided</c> event.</summary>
public sealed record ApplicationOutcome(LoanApplication Application, Loan? Loan);

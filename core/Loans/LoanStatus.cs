namespace Trading.Core.Loans;

/// <summary>A green loan is granted, then repaid.</summary>
public enum LoanStatus
{
    Granted,
    Repaid,
}

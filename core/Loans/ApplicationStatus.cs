namespace Trading.Core.Loans;

/// <summary>A loan application is submitted, then granted (a loan is recorded) or declined.</summary>
public enum ApplicationStatus
{
    Submitted,
    Granted,
    Declined,
}

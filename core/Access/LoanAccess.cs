using Trading.Core.Loans;


namespace Trading.Core.Access;

/// <summary>Who sees and decides what of green loans.</summary>
public static class LoanAccess
{
    /// <summary>A bank acts on its own applications and loans; admin on any.</summary>
    public static bool IsBankOrAdmin(Principal caller, BankId bank) => caller.Role == Role.Admin || (caller.Role == Role.Bank && caller.Subject == bank.Value);

    /// <summary>The bank, the borrower, officials governing the borrower's region, admin.</summary>
    public static bool MaySee(Principal caller, Loan loan) => IsBankOrAdmin(caller, loan.Bank) || caller.GovernsRegion(loan.BorrowerRegion)
        || (caller.Role == Role.Enterprise && caller.Subject == loan.Borrower.Value);

    public static bool MaySee(Principal caller, LoanApplication application) => IsBankOrAdmin(caller, application.Bank)
        || (caller.Role == Role.Enterprise && caller.Subject == application.Applicant.Value);
}

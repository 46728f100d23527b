namespace Trading.Core.Loans;

/// <summary>
/// A loan application is submitted, then granted (a loan is recorded), declined, withdrawn by the applicant, or expired
/// (30 days after submission). Three states are steps of the loan process (see <see cref="LoanGrant"/>) that readers never
/// see as such: <see cref="Submitting"/> (recorded, its pledge offer not yet frozen), <see cref="Approving"/> (the bank's
/// terms recorded, the pledge not yet active or the loan not yet written) and <see cref="Void"/> (the offer could not be
/// frozen: the submission was refused).
/// </summary>
public enum ApplicationStatus
{
    Submitted,
    Granted,
    Declined,
    Withdrawn,
    Expired,
    Submitting,
    Approving,
    Void,
}

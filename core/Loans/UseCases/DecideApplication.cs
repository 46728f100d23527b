using Trading.Core.Access;
using Trading.Core.Ledger;
using Trading.Core.Primitives;

namespace Trading.Core.Loans.UseCases;

/// <summary>
/// The bank grants (<see cref="Terms"/> given: the loan is recorded, with its pledge if any) or declines (with a reason) a
/// submitted application. Repeating the same decision answers the same; the other decision is 409 with the state.
/// </summary>
public sealed record DecideApplication(BankId Bank, long Number, LoanTerms? Terms, RegionCode? BorrowerRegion, string? PledgeId, string? DeclineReason)
    : IBankUseCase<LoanApplication>
{
    public string Action => Terms is null ? "application.declined" : "application.granted";
    public BankReads Reads => new([Number], []);

    public Decision<LoanApplication> Decide(BankSnapshot snapshot, UseCaseContext context)
    {
        if (snapshot.Applications.GetValueOrDefault(Number) is not { Exists: true } row || !LoanAccess.IsBankOrAdmin(context.Caller, Bank))
            throw new NotFoundException($"No application {LoanApplication.IdOf(Bank, Number)} of yours.");
        var application = row.Value;
        var target = Terms is null ? ApplicationStatus.Declined : ApplicationStatus.Granted;
        if (application.Status == target) return Decision<LoanApplication>.Unchanged(application);
        if (application.Status != ApplicationStatus.Submitted)
            throw StateConflict.Exception($"Application {application.Id}", StateConflict.Name(application.Status), StateConflict.Name(target));
        if (Terms is null)
        {
            var declined = application with { Status = ApplicationStatus.Declined, DecidedAt = context.Now, DecidedBy = context.Caller.Id, Reason = DeclineReason };
            return new Decision<LoanApplication>(declined, [RowChange.Of(row, declined)], null, [new AuditEntry(Action, application.Id)]);
        }
        var head = snapshot.Head;
        var loanNumber = checked(head.Value.Loans + 1);
        var loan = new Loan(Bank, loanNumber, application.Applicant, BorrowerRegion!.Value, application.ProductId, Terms.Amount, Terms.AnnualRatePct, Terms.TermMonths,
            Terms.GrantedAt, application.Id, LoanStatus.Granted, context.Now, context.Caller.Id, application.Id, PledgeId);
        var granted = application with { Status = ApplicationStatus.Granted, DecidedAt = context.Now, DecidedBy = context.Caller.Id, LoanId = loan.Id };
        return new Decision<LoanApplication>(granted, [RowChange.Of(row, granted), RowChange.New(loan), RowChange.Of(head, head.Value with { Loans = loanNumber })],
            null, [new AuditEntry(Action, application.Id), new AuditEntry("loan.granted", loan.Id)]);
    }
}

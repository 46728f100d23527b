using Trading.Core.Ledger;

namespace Trading.Core.Loans.UseCases;

/// <summary>
/// The applicant (or admin) withdraws its application while it is submitted; the loan process then releases its offer.
/// Others get 404. Repeating answers the same; a decided application is 409 with its state.
/// </summary>
public sealed record WithdrawApplication(Access.BankId Bank, long Number) : IBankUseCase<LoanApplication>
{
    public string Action => "application.withdrawn";
    public BankReads Reads => new([Number], []);

    public Decision<LoanApplication> Decide(BankSnapshot snapshot, UseCaseContext context)
    {
        var found = snapshot.Applications.GetValueOrDefault(Number);
        var mayAct = found is { Exists: true } && (context.Caller.Role == Access.Role.Admin || context.Caller.IsEnterprise(found.Value.Applicant));
        var row = ApplicationRules.Find(snapshot, Bank, Number, mayAct);
        var application = row.Value;
        if (application.Status == ApplicationStatus.Withdrawn) return Decision<LoanApplication>.Unchanged(application);
        ApplicationRules.RequireOpen(application, context.Now, "withdrawn");
        var withdrawn = application with { Status = ApplicationStatus.Withdrawn, DecidedAt = context.Now, DecidedBy = context.Caller.Id };
        return new Decision<LoanApplication>(withdrawn, [RowChange.Of(row, withdrawn)], null, [new AuditEntry(Action, application.Id)]);
    }
}

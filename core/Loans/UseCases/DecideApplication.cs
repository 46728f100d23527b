using Trading.Core.Access;
using Trading.Core.Ledger;
using Trading.Core.Primitives;
using Text = Trading.Core.Finance.Text;

namespace Trading.Core.Loans.UseCases;

/// <summary>
/// The bank's decision on a submitted application (that bank or admin; others 404). Declined: with a reason; its offer is
/// then released. Approved (<see cref="Approval"/> given): the bank lends at most the amount applied for (422 above it,
/// and at least the product's minimum) and takes in pledge at most the quantity offered (422 above it; default all of
/// it). Without a pledge the loan is granted here, in one transaction; with one, the terms are recorded (<c>approving</c>,
/// loan number reserved) and the loan process grants it (<see cref="LoanGrant"/>). Repeating the same decision answers
/// the same; another decision, or other terms, is 409 with the state. A submitted application past its 30 days is 409
/// <c>expired</c> (the finisher ends it).
/// </summary>
public sealed record DecideApplication(BankId Bank, long Number, ApprovalRequest? Approval, string? DeclineReason) : IBankUseCase<LoanApplication>
{
    public string Action => Approval is null ? "application.declined" : "application.approved";
    public BankReads Reads => new([Number], []);

    public Decision<LoanApplication> Decide(BankSnapshot snapshot, UseCaseContext context)
    {
        var row = ApplicationRules.Find(snapshot, Bank, Number, LoanAccess.IsBankOrAdmin(context.Caller, Bank));
        var application = row.Value;
        if (Approval is null)
        {
            if (application.Status == ApplicationStatus.Declined) return Decision<LoanApplication>.Unchanged(application);
            ApplicationRules.RequireOpen(application, context.Now, "declined");
            var declined = application with { Status = ApplicationStatus.Declined, DecidedAt = context.Now, DecidedBy = context.Caller.Id, Reason = DeclineReason };
            return new Decision<LoanApplication>(declined, [RowChange.Of(row, declined)], null, [new AuditEntry(Action, application.Id)])
            {
                Events = Writes.EventTypes.To(Writes.EventTypes.ApplicationDecided, new ApplicationOutcome(declined, null), Writes.EventRecipient.Of(application.Applicant)),
            };
        }
        var terms = Approval.Terms;
        var take = application.Offer is { } offer ? Approval.Take ?? offer.Quantity : (Quantity?)null;
        if (application.Status is ApplicationStatus.Granted or ApplicationStatus.Approving)
        {
            if (application.Approval is { } recorded && recorded.Terms == terms && recorded.Taken == take) return Decision<LoanApplication>.Unchanged(application);
            throw StateConflict.Exception($"Application {application.Id}", "granted", "approved again with other terms");
        }
        ApplicationRules.RequireOpen(application, context.Now, "approved");
        if (terms.Amount > application.Amount)
            throw new RuleViolationException(
                $"The firm applied for {Text.Yuan(application.Amount)} CNY; the bank lends at most that, not {Text.Yuan(terms.Amount)} CNY.",
                "The amount is above what was applied for.");
        if (terms.Amount < Approval.MinAmount)
            throw new RuleViolationException($"The product's minimum is {Text.Yuan(Approval.MinAmount)} CNY; {Text.Yuan(terms.Amount)} CNY is below it.");
        var head = snapshot.Head;
        var loanNumber = checked(head.Value.Loans + 1);
        if (application.Offer is not { } o)
        {
            if (Approval.Take is not null || Approval.Market is not null)
                throw ValidationException.For("pledge", $"is only for a pledge product; {application.Id} offers no pledge");
            var loan = new Loan(Bank, loanNumber, application.Applicant, Approval.BorrowerRegion, application.ProductId, terms.Amount, terms.AnnualRatePct,
                terms.TermMonths, terms.GrantedAt, application.Id, LoanStatus.Granted, context.Now, context.Caller.Id, application.Id);
            var granted = application with
            {
                Status = ApplicationStatus.Granted, DecidedAt = context.Now, DecidedBy = context.Caller.Id, LoanId = loan.Id,
                Approval = new LoanApproval(terms, null, loanNumber, Approval.BorrowerRegion, context.Now, context.Caller.Id),
            };
            return new Decision<LoanApplication>(granted, [RowChange.Of(row, granted), RowChange.New(loan), RowChange.Of(head, head.Value with { Loans = loanNumber })],
                null, [new AuditEntry("application.granted", application.Id), new AuditEntry("loan.granted", loan.Id)])
            {
                Events = Writes.EventTypes.To(Writes.EventTypes.ApplicationDecided, new ApplicationOutcome(granted, loan), Writes.EventRecipient.Of(application.Applicant)),
            };
        }
        if (Approval.Market is { } named && named != o.Market)
            throw new RuleViolationException($"The firm offered rights in {o.Market}, not in {named}; the bank takes in pledge only what was offered.",
                "The pledge is not the one offered.");
        if (take!.Value > o.Quantity)
            throw new RuleViolationException(
                $"The firm offered {o.Quantity.Tonnes} t/a of {o.Market.Pollutant} in {o.Market.Region} in pledge; the bank takes at most that, not {take.Value.Tonnes} t/a.",
                "The pledge is above what was offered.");
        var approving = application with
        {
            Status = ApplicationStatus.Approving,
            Approval = new LoanApproval(terms, take.Value, loanNumber, Approval.BorrowerRegion, context.Now, context.Caller.Id),
            LoanId = Loan.IdOf(Bank, loanNumber),
        };
        return new Decision<LoanApplication>(approving, [RowChange.Of(row, approving), RowChange.Of(head, head.Value with { Loans = loanNumber })], null,
            [new AuditEntry(Action, application.Id)]);
    }
}

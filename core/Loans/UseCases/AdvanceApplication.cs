using Trading.Core.Finance;
using Trading.Core.Ledger;

namespace Trading.Core.Loans.UseCases;

/// <summary>
/// A bank step of the loan process on one application, run by whoever drives the process (the request, a retry, the
/// finisher): <see cref="LoanStep.ConfirmSubmission"/> (submitted with its frozen offer, or void), <see cref="LoanStep.Expire"/>,
/// <see cref="LoanStep.Grant"/> (granted, and the loan written from the recorded terms) or <see cref="LoanStep.NoteOfferEnded"/>.
/// Each is decided again from the rows read, so it is idempotent by state: a step already done writes nothing.
/// <paramref name="Offer"/> is the application's offer pledge as read from its market.
/// </summary>
public sealed record AdvanceApplication(Access.BankId Bank, long Number, LoanStep Step, Pledge? Offer) : IBankUseCase<LoanApplication>
{
    public string Action => Step switch
    {
        LoanStep.ConfirmSubmission => "application.offer-frozen",
        LoanStep.Expire => "application.expired",
        LoanStep.Grant => "application.granted",
        LoanStep.NoteOfferEnded => "application.offer-released",
        _ => throw new ArgumentException($"{Step} is not a bank step of an application"),
    };

    public BankReads Reads => new([Number], []);

    public Decision<LoanApplication> Decide(BankSnapshot snapshot, UseCaseContext context)
    {
        if (!Access.LoanAccess.IsBankOrAdmin(context.Caller, Bank) && !(snapshot.Applications.GetValueOrDefault(Number) is { Exists: true } mine
                && context.Caller.IsEnterprise(mine.Value.Applicant)))
            throw new NotFoundException($"No application {LoanApplication.IdOf(Bank, Number)} of yours.");
        if (snapshot.Applications.GetValueOrDefault(Number) is not { Exists: true } row) throw new NotFoundException($"No application {LoanApplication.IdOf(Bank, Number)}.");
        var a = row.Value;
        // The step is decided again on the row as it is now: another driver may have done it (or more) meanwhile.
        if (LoanGrant.Next(a, Offer, context.Now) != Step) return Decision<LoanApplication>.Unchanged(a);
        switch (Step)
        {
            case LoanStep.ConfirmSubmission:
                var confirmed = Offer!.Status == PledgeStatus.Offered
                    ? a with { Status = ApplicationStatus.Submitted, Offer = a.Offer! with { Pledge = Offer.Number } }
                    : a with { Status = ApplicationStatus.Void, Offer = a.Offer! with { Pledge = Offer.Number }, OfferEnded = true };
                return new Decision<LoanApplication>(confirmed, [RowChange.Of(row, confirmed)], null,
                    [new AuditEntry(confirmed.Status == ApplicationStatus.Void ? "application.void" : Action, a.Id)])
                {
                    Events = confirmed.Status == ApplicationStatus.Submitted
                        ? Writes.EventTypes.To(Writes.EventTypes.ApplicationSubmitted, new ApplicationOutcome(confirmed, null), Writes.EventRecipient.Of(Bank))
                        : [],
                };
            case LoanStep.Expire:
                var expired = a with { Status = ApplicationStatus.Expired, DecidedAt = context.Now, DecidedBy = context.Caller.Id };
                return new Decision<LoanApplication>(expired, [RowChange.Of(row, expired)], null, [new AuditEntry(Action, a.Id)]);
            case LoanStep.Grant:
                var granted = LoanGrant.Granted(a);
                var loan = LoanGrant.LoanOf(a, Offer!.Id);
                return new Decision<LoanApplication>(granted, [RowChange.Of(row, granted), RowChange.New(loan)], null,
                    [new AuditEntry(Action, a.Id), new AuditEntry("loan.granted", loan.Id)])
                {
                    Events = Writes.EventTypes.To(Writes.EventTypes.ApplicationDecided, new ApplicationOutcome(granted, loan), Writes.EventRecipient.Of(a.Applicant)),
                };
            default:
                var noted = a with { OfferEnded = true };
                return new Decision<LoanApplication>(noted, [RowChange.Of(row, noted)], null, [new AuditEntry(Action, a.Id)]);
        }
    }
}

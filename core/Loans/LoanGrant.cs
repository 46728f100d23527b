using Trading.Core.Finance;

namespace Trading.Core.Loans;

/// <summary>
/// The loan process as a pure state machine. Its state lives in two partitions: the application (and its loan) in the
/// bank's book, the offered rights (a pledge row) in their market; no transaction spans both. From the two rows it says
/// the next step, and every step is one use case in one partition, idempotent, so whoever runs the steps (the request
/// that started them, a retry of it, or the <c>ExpireProposals</c> finisher) drives the process to the same end.
/// <para>
/// Submission: the application is recorded <c>submitting</c> (bank), the offer frozen (market, keyed by the application),
/// then the application <c>submitted</c> (or <c>void</c> when the rights were no longer available). Approval: the bank's
/// terms are recorded (<c>approving</c>, loan number reserved; from here the grant only goes forward), the offer becomes
/// the active pledge (market: the commit point), then the application is <c>granted</c> and the loan written. Decline,
/// withdrawal and expiry end the application first (bank: the fence against an approval), then release the offer.
/// </para>
/// Readers resolve the states in between with <see cref="Resolve"/>, so nobody sees a loan without its pledge or an
/// active pledge without its loan.
/// </summary>
public static class LoanGrant
{
    /// <summary>
    /// The next step for <paramref name="application"/>, given its offer's pledge row (null when it has none or it is not
    /// known yet: a submission whose offer was not frozen by this run).
    /// </summary>
    public static LoanStep Next(LoanApplication application, Pledge? offer, DateTimeOffset now)
    {
        if (offer is not null && offer.Request.Reference != application.Id)
            throw new InvalidOperationException($"pledge {offer.Id} is not the offer of {application.Id}");
        return application.Status switch
        {
            ApplicationStatus.Submitting => offer is null ? LoanStep.FreezeOffer : LoanStep.ConfirmSubmission,
            ApplicationStatus.Submitted => application.IsPastExpiry(now) ? LoanStep.Expire : LoanStep.None,
            ApplicationStatus.Approving => offer?.Status switch
            {
                PledgeStatus.Offered => LoanStep.ActivatePledge,
                PledgeStatus.Active or PledgeStatus.Released => LoanStep.Grant,
                // An approving application's offer is released only by its own end, which an approval excludes.
                _ => throw new InvalidOperationException($"{application.Id} is approving but its offer is {offer?.Status.ToString() ?? "unknown"}"),
            },
            ApplicationStatus.Declined or ApplicationStatus.Withdrawn or ApplicationStatus.Expired when application.Offer?.Pledge is not null && !application.OfferEnded =>
                offer?.Status == PledgeStatus.Offered ? LoanStep.ReleaseOffer : LoanStep.NoteOfferEnded,
            _ => LoanStep.None,
        };
    }

    /// <summary>The next step for a loan: a repaid loan's pledge is released.</summary>
    public static LoanStep Next(Loan loan, Pledge? pledge) => !loan.Pending ? LoanStep.None
        : pledge?.Status == PledgeStatus.Active ? LoanStep.ReleasePledge : LoanStep.NotePledgeReleased;

    /// <summary>What a market step of an application's process leaves its offer as, for the one that ended it.</summary>
    public static PledgeStatus OfferEnd(ApplicationStatus status) => status switch
    {
        ApplicationStatus.Declined => PledgeStatus.Rejected,
        ApplicationStatus.Withdrawn => PledgeStatus.Cancelled,
        ApplicationStatus.Expired => PledgeStatus.Expired,
        _ => throw new ArgumentException($"an application {status} does not release its offer", nameof(status)),
    };

    /// <summary>
    /// The application as every reader must see it (null: not visible yet, or void), with its loan when granted:
    /// <c>submitting</c> is not shown (the offer may not be frozen yet); <c>approving</c> is shown as submitted until the
    /// pledge is active, then as granted with the loan built from the recorded terms (the loan the grant step writes).
    /// <paramref name="loan"/> is the loan row of a granted application as read.
    /// </summary>
    public static (LoanApplication Application, Loan? Loan)? Resolve(LoanApplication application, Pledge? offer, Loan? loan)
    {
        switch (application.Status)
        {
            case ApplicationStatus.Submitting or ApplicationStatus.Void:
                return null;
            case ApplicationStatus.Approving when offer?.Status is PledgeStatus.Active or PledgeStatus.Released:
                var built = LoanOf(application, offer.Id);
                return (Granted(application), built);
            case ApplicationStatus.Approving:
                return (application with { Status = ApplicationStatus.Submitted, Approval = null, LoanId = null }, null);
            default:
                return (application, application.Status == ApplicationStatus.Granted ? loan : null);
        }
    }

    /// <summary>The application granted, from its recorded approval.</summary>
    public static LoanApplication Granted(LoanApplication application)
    {
        var approval = application.Approval ?? throw new InvalidOperationException($"{application.Id} has no approval");
        return application with
        {
            Status = ApplicationStatus.Granted, DecidedAt = approval.At, DecidedBy = approval.By, LoanId = Loan.IdOf(application.Bank, approval.LoanNumber),
            OfferEnded = true,
        };
    }

    /// <summary>The loan an approved application grants, from its recorded approval alone.</summary>
    public static Loan LoanOf(LoanApplication application, string? pledgeId)
    {
        var a = application.Approval ?? throw new InvalidOperationException($"{application.Id} has no approval");
        return new Loan(application.Bank, a.LoanNumber, application.Applicant, a.BorrowerRegion, application.ProductId, a.Terms.Amount, a.Terms.AnnualRatePct,
            a.Terms.TermMonths, a.Terms.GrantedAt, application.Id, LoanStatus.Granted, a.At, a.By, application.Id, pledgeId);
    }
}

using Trading.Core.Access;
using Trading.Core.Finance;
using Trading.Core.Loans.UseCases;

namespace Trading.Core.Loans;

/// <summary>
/// The one loop of the loan process: read the application and its offer, ask <see cref="LoanGrant.Next"/> for the next
/// step, run it through the port, until nothing is left. Whoever calls it (the request, a retry of it, the
/// <c>ExpireProposals</c> finisher) ends in the same state, since every step is idempotent and decided again from the
/// rows; a run that stops half-way leaves rows that the next run continues from.
/// </summary>
public static class LoanProcess
{
    /// <summary>More steps than any application needs (submission 2, approval 2, release 2): past it something is wrong.</summary>
    private const int MaxSteps = 12;

    /// <summary>Drives one application to rest; answers it as it then is (null: it does not exist).</summary>
    public static async Task<LoanApplication?> SettleAsync(ILoanSteps steps, BankId bank, long number, CancellationToken ct)
    {
        Pledge? frozen = null;
        for (var i = 0; i < MaxSteps; i++)
        {
            var application = await steps.ApplicationAsync(bank, number, ct);
            if (application is null) return null;
            var offer = application.Offer is { Pledge: { } n } o ? await steps.PledgeAsync(o.Market, n, ct) : frozen;
            var step = LoanGrant.Next(application, offer, steps.Now);
            switch (step)
            {
                case LoanStep.None:
                    return application;
                case LoanStep.FreezeOffer:
                    var id = await steps.MarketAsync(new OfferPledge(application), Principal.Enterprise(application.Applicant), OfferPledge.Key(application), ct);
                    frozen = Pledge.TryParseId(id, out var market, out var number2) ? await steps.PledgeAsync(market, number2, ct) : null;
                    if (frozen is null) throw new InvalidOperationException($"the offer {id} of {application.Id} is not readable");
                    break;
                case LoanStep.ActivatePledge:
                    await steps.MarketAsync(new ActivateOffer(application), Principal.Bank(bank), null, ct);
                    break;
                case LoanStep.ReleaseOffer:
                    await steps.MarketAsync(new EndOffer(application), ActorOf(application), null, ct);
                    break;
                default:
                    await steps.BankAsync(new AdvanceApplication(bank, number, step, offer), ActorOf(application), ct);
                    break;
            }
        }
        throw new InvalidOperationException($"the loan process of {LoanApplication.IdOf(bank, number)} did not come to rest");
    }

    /// <summary>Drives a repaid loan until its pledge is released; answers the loan as it then is.</summary>
    public static async Task<Loan?> SettleLoanAsync(ILoanSteps steps, BankId bank, long number, CancellationToken ct)
    {
        for (var i = 0; i < MaxSteps; i++)
        {
            var loan = await steps.LoanAsync(bank, number, ct);
            if (loan is null) return null;
            Pledge? pledge = null;
            if (loan.PledgeId is { } pid && Pledge.TryParseId(pid, out var market, out var n)) pledge = await steps.PledgeAsync(market, n, ct);
            switch (LoanGrant.Next(loan, pledge))
            {
                case LoanStep.None:
                    return loan;
                case LoanStep.ReleasePledge:
                    await steps.MarketAsync(new Ledger.UseCases.EndPledge(pledge!.Market, pledge.Number, PledgeStatus.Released), Principal.Bank(bank), null, ct);
                    break;
                default:
                    await steps.BankAsync(new NotePledgeReleased(bank, number), Principal.Bank(bank), ct);
                    break;
            }
        }
        throw new InvalidOperationException($"the loan process of {Loan.IdOf(bank, number)} did not come to rest");
    }

    /// <summary>Who a step is recorded as done by: the one whose decision it carries out.</summary>
    private static Principal ActorOf(LoanApplication application) => application.Status switch
    {
        ApplicationStatus.Withdrawn or ApplicationStatus.Submitting => Principal.Enterprise(application.Applicant),
        ApplicationStatus.Expired or ApplicationStatus.Submitted => Principal.Admin,
        _ => Principal.Bank(application.Bank),
    };
}

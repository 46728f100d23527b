using Trading.Core.Ledger;

namespace Trading.Core.Loans.UseCases;

/// <summary>What the state changes of an application share: finding it for a caller who may act on it, and the states that still allow a decision.</summary>
public static class ApplicationRules
{
    /// <summary>The application, or 404 when it does not exist, is not visible yet (submitting, void) or the caller may not act on it.</summary>
    public static Versioned<LoanApplication> Find(BankSnapshot snapshot, Access.BankId bank, long number, bool callerMayAct)
    {
        if (snapshot.Applications.GetValueOrDefault(number) is not { Exists: true } row || !callerMayAct
            || row.Value.Status is ApplicationStatus.Submitting or ApplicationStatus.Void)
            throw new NotFoundException($"No application {LoanApplication.IdOf(bank, number)} of yours.");
        return row;
    }

    /// <summary>409 with the state unless the application is submitted and not past its 30 days.</summary>
    public static void RequireOpen(LoanApplication application, DateTimeOffset now, string wanted)
    {
        if (application.Status == ApplicationStatus.Submitted && application.IsPastExpiry(now))
            throw StateConflict.Exception($"Application {application.Id}", "expired", wanted);
        if (application.Status != ApplicationStatus.Submitted)
            throw StateConflict.Exception($"Application {application.Id}", StateConflict.Name(application.Status == ApplicationStatus.Approving ? ApplicationStatus.Granted : application.Status), wanted);
    }
}

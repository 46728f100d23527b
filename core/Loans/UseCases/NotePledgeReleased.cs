using Trading.Core.Ledger;

namespace Trading.Core.Loans.UseCases;

/// <summary>The loan process's last step on a repaid loan: it notes that its pledge is released (nothing more to do). Idempotent by state.</summary>
public sealed record NotePledgeReleased(Access.BankId Bank, long Number) : IBankUseCase<Loan>
{
    public string Action => "loan.pledge-released";
    public BankReads Reads => new([], [Number]);

    public Decision<Loan> Decide(BankSnapshot snapshot, UseCaseContext context)
    {
        if (!Access.LoanAccess.IsBankOrAdmin(context.Caller, Bank)) throw new NotFoundException($"No loan {Loan.IdOf(Bank, Number)} of yours.");
        if (snapshot.Loans.GetValueOrDefault(Number) is not { Exists: true } row) throw new NotFoundException($"No loan {Loan.IdOf(Bank, Number)}.");
        if (!row.Value.Pending) return Decision<Loan>.Unchanged(row.Value);
        var noted = row.Value with { PledgeReleased = true };
        return new Decision<Loan>(noted, [RowChange.Of(row, noted)], null, [new AuditEntry(Action, noted.Id)]);
    }
}

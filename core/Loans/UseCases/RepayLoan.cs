using Trading.Core.Access;
using Trading.Core.Ledger;

namespace Trading.Core.Loans.UseCases;

/// <summary>The bank records that a loan is repaid; repeating answers the same.</summary>
public sealed record RepayLoan(BankId Bank, long Number) : IBankUseCase<Loan>
{
    public string Action => "loan.repaid";
    public BankReads Reads => new([], [Number]);

    public Decision<Loan> Decide(BankSnapshot snapshot, UseCaseContext context)
    {
        if (snapshot.Loans.GetValueOrDefault(Number) is not { Exists: true } row || !LoanAccess.IsBankOrAdmin(context.Caller, Bank))
            throw new NotFoundException($"No loan {Loan.IdOf(Bank, Number)} of yours.");
        if (row.Value.Status == LoanStatus.Repaid) return Decision<Loan>.Unchanged(row.Value);
        var repaid = row.Value with { Status = LoanStatus.Repaid, RepaidAt = context.Now };
        return new Decision<Loan>(repaid, [RowChange.Of(row, repaid)], null, [new AuditEntry(Action, repaid.Id)]);
    }
}

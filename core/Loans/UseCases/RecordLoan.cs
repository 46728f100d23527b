using Trading.Core.Access;
using Trading.Core.Ledger;
using Trading.Core.Primitives;

namespace Trading.Core.Loans.UseCases;

/// <summary>A bank records a green loan granted outside the platform (at a 政银企 matchmaking event).</summary>
public sealed record RecordLoan(BankId Bank, CreditCode Borrower, RegionCode BorrowerRegion, string? ProductId, LoanTerms Terms, string? Reference)
    : IBankUseCase<Loan>
{
    public string Action => "loan.recorded";
    public string? Fingerprint => Hashing.Sha256Hex(string.Join('\n', "loan", Bank.Value, Borrower.Value, ProductId ?? "", Terms.Amount.Fen,
        Terms.AnnualRatePct.ToString(System.Globalization.CultureInfo.InvariantCulture), Terms.TermMonths, Terms.GrantedAt.UtcTicks, Reference ?? ""));
    public BankReads Reads => BankReads.HeadOnly;

    public Decision<Loan> Decide(BankSnapshot snapshot, UseCaseContext context)
    {
        if (!LoanAccess.IsBankOrAdmin(context.Caller, Bank)) throw new ForbiddenException("A bank records its own loans only.");
        var head = snapshot.Head;
        var number = checked(head.Value.Loans + 1);
        var loan = new Loan(Bank, number, Borrower, BorrowerRegion, ProductId, Terms.Amount, Terms.AnnualRatePct, Terms.TermMonths, Terms.GrantedAt, Reference,
            LoanStatus.Granted, context.Now, context.Caller.Id);
        return new Decision<Loan>(loan, [RowChange.New(loan), RowChange.Of(head, head.Value with { Loans = number })], null, [new AuditEntry(Action, loan.Id)])
        {
            ResourceId = loan.Id,
        };
    }
}

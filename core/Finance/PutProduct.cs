using Trading.Core.Access;
using Trading.Core.Enterprises;
using Trading.Core.Ledger;
using Trading.Core.Registers;

namespace Trading.Core.Finance;

/// <summary>What a PUT of a product did: the product as it now is, and whether it was created, replaced or left as it was.</summary>
public sealed record ProductPut(LoanProduct Product, PutOutcome Outcome)
{
    public bool Created => Outcome == PutOutcome.Created;
}

/// <summary>
/// Creates or replaces a bank's loan product (that bank, admin). One partition per bank. A PUT with the same terms as
/// stored writes nothing (no audit record).
/// </summary>
public sealed record PutProduct(LoanProduct Product) : IRegisterUseCase<LoanProduct, ProductPut>
{
    public string Partition => Product.Bank.Value;
    public string Action => "product.put";
    public string? Fingerprint => null;
    public IReadOnlyCollection<string> Ids => [Product.ProductId];

    public Decision<ProductPut> Decide(RegisterSnapshot<LoanProduct> snapshot, UseCaseContext context)
    {
        var caller = context.Caller;
        if (!(caller.Role == Role.Admin || (caller.Role == Role.Bank && caller.Subject == Product.Bank.Value)))
            throw new ForbiddenException("A bank manages its own products only.");
        var read = snapshot.Read(Product.ProductId);
        if (read.Exists && SameTerms(read.Value, Product)) return Decision<ProductPut>.Unchanged(new ProductPut(read.Value, PutOutcome.Unchanged));
        return new Decision<ProductPut>(new ProductPut(Product, read.Exists ? PutOutcome.Updated : PutOutcome.Created), [new RowChange(Product, read.Version)], null,
            [new AuditEntry(read.Exists ? "product.replaced" : "product.created", Product.Key)]);
    }

    /// <summary>Every term a client sets (not <c>UpdatedAt</c>).</summary>
    public static bool SameTerms(LoanProduct a, LoanProduct b) =>
        a.Bank == b.Bank && a.ProductId == b.ProductId && a.Name == b.Name && a.MinGrade == b.MinGrade && a.AllowUngraded == b.AllowUngraded
        && a.MinCreditRating == b.MinCreditRating && a.RequirePositiveList == b.RequirePositiveList && a.Industries.SetEquals(b.Industries)
        && a.Regions.SequenceEqual(b.Regions) && a.MinAmount == b.MinAmount && a.MaxAmount == b.MaxAmount && a.AnnualRatePct == b.AnnualRatePct
        && a.TermMonths == b.TermMonths
        && (a.Pledge is null ? b.Pledge is null : b.Pledge is not null && a.Pledge.Pollutants.SequenceEqual(b.Pledge.Pollutants) && a.Pledge.LoanToValue == b.Pledge.LoanToValue);
}

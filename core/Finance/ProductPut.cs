using Trading.Core.Enterprises;

namespace Trading.Core.Finance;

/// <summary>What a PUT of a product did: the product as it now is, and whether it was created, replaced or left as it was.</summary>
public sealed record ProductPut(LoanProduct Product, PutOutcome Outcome)
{
    public bool Created => Outcome == PutOutcome.Created;
}

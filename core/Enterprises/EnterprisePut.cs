namespace Trading.Core.Enterprises;

/// <summary>What a PUT of an enterprise did: the firm as it now is, and whether it was created, replaced or left as it was.</summary>
public sealed record EnterprisePut(Enterprise Enterprise, PutOutcome Outcome, Primitives.RegionCode? MovedFrom = null)
{
    public bool Created => Outcome == PutOutcome.Created;
}

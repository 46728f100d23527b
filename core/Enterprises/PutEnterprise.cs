using Trading.Core.Access;
using Trading.Core.Ledger;
using Trading.Core.Registers;

namespace Trading.Core.Enterprises;

/// <summary>What a PUT of an enterprise did: the firm as it now is, and whether it was created, replaced or left as it was.</summary>
public sealed record EnterprisePut(Enterprise Enterprise, PutOutcome Outcome, Primitives.RegionCode? MovedFrom = null)
{
    public bool Created => Outcome == PutOutcome.Created;
}

/// <summary>
/// Creates or replaces an enterprise (admin; an official in scope of the firm's old and new region). One partition per
/// firm (its credit code). A PUT with the same fields as stored writes nothing (no audit record) and answers the firm as
/// stored. An import writes each firm through this use case too.
/// </summary>
public sealed record PutEnterprise(Enterprise Enterprise) : IRegisterUseCase<Enterprise, EnterprisePut>
{
    public string Partition => Enterprise.CreditCode.Value;
    public string Action => "enterprise.put";
    public string? Fingerprint => null;
    public IReadOnlyCollection<string> Ids => [Enterprise.CreditCode.Value];

    public Decision<EnterprisePut> Decide(RegisterSnapshot<Enterprise> snapshot, UseCaseContext context)
    {
        var caller = context.Caller;
        if (caller.Role is not (Role.Admin or Role.Official)) throw new ForbiddenException("Only officials and admin register enterprises.");
        if (!caller.GovernsRegion(Enterprise.Region))
            throw new ForbiddenException($"Region {Enterprise.Region} is outside your scope ({caller.Subject}).");
        var read = snapshot.Read(Enterprise.CreditCode.Value);
        var existing = read.Exists ? read.Value : null;
        if (existing is not null && !caller.GovernsRegion(existing.Region))
            throw new ForbiddenException($"{Enterprise.CreditCode} is registered in a region outside your scope.");
        if (existing is not null && SameFields(existing, Enterprise)) return Decision<EnterprisePut>.Unchanged(new EnterprisePut(existing, PutOutcome.Unchanged));
        var row = new RegisteredEnterprise(Enterprise, existing is not null && existing.Region != Enterprise.Region ? existing.Region : null);
        var outcome = existing is null ? PutOutcome.Created : PutOutcome.Updated;
        return new Decision<EnterprisePut>(new EnterprisePut(Enterprise, outcome, row.MovedFrom), [new RowChange(row, read.Version)], null,
            [new AuditEntry(existing is null ? "enterprise.created" : "enterprise.replaced", Enterprise.CreditCode.Value)]);
    }

    /// <summary>Every field a client sets (not <c>UpdatedAt</c>).</summary>
    public static bool SameFields(Enterprise a, Enterprise b) =>
        a.CreditCode == b.CreditCode && a.Name == b.Name && a.Region == b.Region && a.Industry == b.Industry && a.Grade == b.Grade
        && a.GradeValidUntil == b.GradeValidUntil && a.PositiveList == b.PositiveList && a.CreditRating == b.CreditRating;
}

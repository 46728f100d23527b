using Trading.Core.Access;
using Trading.Core.Ledger;
using Trading.Core.Registers;

namespace Trading.Core.Alerts;

/// <summary>
/// Replaces a region prefix's industry rules (an official whose prefix covers it, admin): one row per prefix in the rules
/// book. The same rules again write nothing.
/// </summary>
public sealed record PutIndustryRules(IndustryRuleSet Rules) : IRegisterUseCase<IndustryRuleSet, RulesPut>
{
    public string Partition => Rules.Prefix.Value;
    public string Action => "emergencyrules.put";
    public string? Fingerprint => null;
    public IReadOnlyCollection<string> Ids => [IndustryRuleSet.RowId];

    public Decision<RulesPut> Decide(RegisterSnapshot<IndustryRuleSet> snapshot, UseCaseContext context)
    {
        var caller = context.Caller;
        if (caller.Role is not (Role.Admin or Role.Official)) throw new ForbiddenException("Only officials and admin set industry rules.");
        if (!caller.GovernsPrefix(Rules.Prefix)) throw new ForbiddenException($"Region {Rules.Prefix} is outside your scope ({caller.Subject}).");
        var read = snapshot.Read(IndustryRuleSet.RowId);
        if (read.Exists && read.Value.SameRules(Rules)) return Decision<RulesPut>.Unchanged(new RulesPut(read.Value, false));
        return new Decision<RulesPut>(new RulesPut(Rules, !read.Exists), [new RowChange(Rules, read.Version)], null,
            [new AuditEntry(read.Exists ? "emergencyrules.replaced" : "emergencyrules.created", Rules.Prefix.Value)]);
    }
}

using Trading.Core.Primitives;
using Trading.Core.Writes;

namespace Trading.Core.Alerts;

/// <summary>
/// The industry rules of one region prefix (replaced whole by a PUT). For a firm, the longest prefix with a rule for its
/// industry and grade applies.
/// </summary>
public sealed record IndustryRuleSet(RegionPrefix Prefix, IReadOnlyList<IndustryRule> Rules, DateTimeOffset UpdatedAt, string UpdatedBy) : IRow
{
    /// <summary>The row id of a prefix's rules in its partition.</summary>
    public const string RowId = "rules";

    public IndustryRule? For(Industry industry, PerformanceGrade grade) => Rules.FirstOrDefault(r => r.Industry == industry && r.Grade == grade);

    public bool SameRules(IndustryRuleSet other) => Rules.Count == other.Rules.Count && Rules.Zip(other.Rules).All(p => p.First == p.Second);

    public TResult Accept<TResult>(IRowVisitor<TResult> visitor) => visitor.Visit(this);
}

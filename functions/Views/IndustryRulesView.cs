using Trading.Functions.Hosting;

namespace Trading.Functions;

/// <summary>A region prefix's industry rules (an empty list where none are set).</summary>
public sealed record IndustryRulesView(string RegionPrefix, IReadOnlyList<IndustryRuleView> Rules, [property: SchemaFormat("date-time")] string? UpdatedAt,
    string? UpdatedBy);

using Trading.Core.Primitives;

namespace Trading.Core.Alerts;

/// <summary>The body of <c>PUT /api/emergency-rules/{regionPrefix}</c> as read from JSON, before validation.</summary>
public sealed class IndustryRulesInput
{
    /// <summary>At most one rule per industry and grade: 40 industries × 8 grades.</summary>
    public const int MaxRules = 320;

    public List<IndustryRuleInput?>? Rules { get; set; }

    public IndustryRuleSet Validate(string? prefixText, string by, DateTimeOffset now)
    {
        var errors = new FieldErrors();
        if (!RegionPrefix.TryParse(prefixText, out var prefix, out var prefixError)) errors.Add("regionPrefix", prefixError);
        if (Rules is null) errors.Add("rules", "is required (an empty list removes the prefix's rules)");
        else if (Rules.Count > MaxRules) errors.Add("rules", $"has at most {MaxRules} rules (one per industry and grade)");
        var rules = new List<IndustryRule>();
        for (var i = 0; Rules is not null && i < Rules.Count && i < MaxRules; i++)
        {
            if (Rules[i] is not { } input) { errors.Add($"rules[{i}]", "is a rule"); continue; }
            if (input.Validate($"rules[{i}]", errors) is not { } rule) continue;
            if (rules.Any(r => r.Industry == rule.Industry && r.Grade == rule.Grade))
                errors.Add($"rules[{i}]", $"a second rule for {rule.Industry} grade {rule.Grade}");
            else rules.Add(rule);
        }
        errors.ThrowIfAny();
        return new IndustryRuleSet(prefix, rules, now, by);
    }
}

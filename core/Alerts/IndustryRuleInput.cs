using Trading.Core.Primitives;

namespace Trading.Core.Alerts;

/// <summary>One industry rule as read from JSON, before validation: every level is required.</summary>
public sealed class IndustryRuleInput
{
    public string? Industry { get; set; }
    public string? Grade { get; set; }
    public RuleLevelInput? Yellow { get; set; }
    public RuleLevelInput? Orange { get; set; }
    public RuleLevelInput? Red { get; set; }

    public IndustryRule? Validate(string field, FieldErrors errors)
    {
        var before = errors.Count;
        if (!Ratings.TryParseName<Industry>(Industry, out var industry)) errors.Add(field + ".industry", $"must be one of {Ratings.Names<Industry>()}");
        if (!Ratings.TryParseGrade(Grade, out var grade)) errors.Add(field + ".grade", $"must be one of {Ratings.Names<PerformanceGrade>()}");
        RuleLevel? Level(RuleLevelInput? input, string name)
        {
            if (input is not null) return input.Validate(field + "." + name, errors);
            errors.Add(field + "." + name, "is required (a rule says what to do at every level)");
            return null;
        }
        var yellow = Level(Yellow, "yellow");
        var orange = Level(Orange, "orange");
        var red = Level(Red, "red");
        return errors.Count > before ? null : new IndustryRule(industry, grade, yellow, orange, red);
    }
}

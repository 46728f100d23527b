namespace Trading.Functions;

public sealed record IndustryRuleView(string Industry, string Grade, RuleLevelView? Yellow, RuleLevelView? Orange, RuleLevelView? Red);

namespace Trading.Core.Alerts;

/// <summary>What a rules PUT did: the prefix's rules as stored and whether the prefix had none before (201).</summary>
public sealed record RulesPut(IndustryRuleSet Rules, bool Created);

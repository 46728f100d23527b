namespace Trading.Functions;

public sealed record RuleLevelView(string Measure, decimal? CutPct);

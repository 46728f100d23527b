namespace Trading.Core.Alerts;

/// <summary>An industry rule's measure at one level: <c>none</c>, <c>limit</c> by a percentage of output, or <c>stop</c>.</summary>
public sealed record RuleLevel(Measure Measure, decimal? CutPct);

namespace Trading.Functions;

public sealed record PlanLevelView(string Measure, string? Processes, decimal? DailyOutputCap, decimal? DailyOutputCut, string? Unit,
    IReadOnlyDictionary<string, decimal> EmissionCuts);

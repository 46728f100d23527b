namespace Trading.Functions;

/// <summary>One firm of an alert's region with its measure at the alert's level (grade: the grade in force).</summary>
public sealed record FirmMeasureView(
    string CreditCode, string Name, string Region, string Industry, string Grade, string Measure, string Why, string? Processes,
    decimal? DailyOutputCap, decimal? DailyOutputCut, string? Unit, decimal? CutPct, IReadOnlyDictionary<string, decimal> EmissionCuts);

namespace Trading.Functions;

/// <summary>
/// An alert over a firm's region with the firm's measure under it; <c>follows</c> marks the alert the firm follows now
/// (the highest level in force over its region). Also the data of the events <c>alert.declared</c> and <c>alert.lifted</c>.
/// </summary>
public sealed record EnterpriseMeasureView(
    AlertView Alert, bool Follows, string CreditCode, string Level, string Measure, string Why, string? Processes, decimal? DailyOutputCap,
    decimal? DailyOutputCut, string? Unit, decimal? CutPct, IReadOnlyDictionary<string, decimal> EmissionCuts);

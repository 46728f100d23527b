namespace Trading.Functions;

/// <summary>An alert's counts by measure and the emissions saved per day in tonnes (SO2, NOx, PM, VOCs: exact sums of the firms' plans), with the sentence officials publish.</summary>
public sealed record AlertSummaryView(string AlertId, string Region, string Level, string Status, int Firms, MeasureCountsView ByMeasure,
    IReadOnlyDictionary<string, decimal> EmissionCuts, string Summary);

namespace Trading.Functions;

/// <summary>An alert's counts by measure and the emissions saved per day, with the sentence officials publish.</summary>
public sealed record AlertSummaryView(string AlertId, string Region, string Level, string Status, int Firms, MeasureCountsView ByMeasure,
    EmissionCutsView EmissionCuts, string Summary);

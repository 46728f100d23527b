namespace Trading.Functions;

/// <summary>How many firms take each measure.</summary>
public sealed record MeasureCountsView(int Self, int None, int Limit, int Stop, int NoPlan);

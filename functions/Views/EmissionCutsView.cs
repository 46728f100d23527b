namespace Trading.Functions;

/// <summary>Emissions saved per day, in tonnes (exact sums of the firms' plans).</summary>
public sealed record EmissionCutsView(decimal SO2, decimal NOx, decimal PM, decimal VOCs);

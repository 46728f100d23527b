namespace Trading.Functions;

public sealed record HoldingView(string Region, string Pollutant, decimal Held, decimal Pledged, decimal Frozen, decimal Available);

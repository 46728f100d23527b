namespace Trading.Functions;

/// <summary>The rights offered in pledge with an application.</summary>
public sealed record OfferedPledgeView(string Region, string Pollutant, decimal Quantity, string? Id);

namespace Trading.Functions;

public sealed record ProductPledgeView(IReadOnlyList<string> Pollutants, decimal LoanToValue);

namespace Trading.Functions;

public sealed record PollutantFiguresView(string Pollutant, Int128 Trades, decimal Quantity, decimal Amount);

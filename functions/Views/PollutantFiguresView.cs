namespace Trading.Functions;

public sealed record PollutantFiguresView(string Pollutant, long Trades, decimal Quantity, decimal Amount);

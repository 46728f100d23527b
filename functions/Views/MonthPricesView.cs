namespace Trading.Functions;

/// <summary>
/// A market's figures of one month: trades, quantity and amount of all its trades; volume-weighted average, low and high
/// unit price of its in-band trades (null when it had none).
/// </summary>
public sealed record MonthPricesView(string Month, long Trades, decimal Quantity, decimal Amount, decimal? Vwap, decimal? Low, decimal? High);

namespace Trading.Functions;

/// <summary>A market's figures of one month: trades, quantity, amount, volume-weighted average, low and high unit price.</summary>
public sealed record MonthPricesView(string Month, long Trades, decimal Quantity, decimal Amount, decimal? Vwap, decimal Low, decimal High);

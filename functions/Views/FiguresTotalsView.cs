namespace Trading.Functions;

/// <summary>Trades, quantity (t/a) and amount (CNY) of some period.</summary>
public sealed record FiguresTotalsView(Int128 Trades, decimal Quantity, decimal Amount);

namespace Trading.Functions;

public sealed record MonthFiguresView(string Month, Int128 Trades, decimal Amount, FiguresTotalsView PreviousYear, FiguresChangeView Yoy);

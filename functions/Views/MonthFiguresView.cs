namespace Trading.Functions;

public sealed record MonthFiguresView(string Month, long Trades, decimal Amount, FiguresTotalsView PreviousYear, FiguresChangeView Yoy);

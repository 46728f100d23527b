namespace Trading.Functions;

/// <summary>
/// A region's figures over a range (<c>aggregates/period</c>) or one month (<c>aggregates/monthly</c>, which adds
/// <c>month</c>, <c>previousMonth</c> and <c>mom</c>; the period leaves them out).
/// </summary>
public sealed record FiguresView(
    string Region,
    [property: Newtonsoft.Json.JsonProperty(NullValueHandling = Newtonsoft.Json.NullValueHandling.Ignore)] string? Month,
    string From, string To, bool Closed, Int128 Trades, decimal Quantity, decimal Amount, IReadOnlyList<PollutantFiguresView> ByPollutant,
    FiguresTotalsView PreviousYear, FiguresChangeView Yoy,
    [property: Newtonsoft.Json.JsonProperty(NullValueHandling = Newtonsoft.Json.NullValueHandling.Ignore)] FiguresTotalsView? PreviousMonth,
    [property: Newtonsoft.Json.JsonProperty(NullValueHandling = Newtonsoft.Json.NullValueHandling.Ignore)] FiguresChangeView? Mom,
    IReadOnlyList<MonthFiguresView> Months, string Summary);

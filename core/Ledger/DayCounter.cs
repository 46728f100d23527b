using Trading.Core.Primitives;
using Trading.Core.Writes;

namespace Trading.Core.Ledger;

/// <summary>
/// Price counters of one market-day (China date): trades, fen and gram-years (Σ quantity × termYears). Kept by the
/// ledger with every trade, they give any window of whole days its volume-weighted price without reading trades: the
/// 90-day reference price of listings and the 12-month price of pledges.
/// </summary>
public sealed record DayCounter(DateOnly Day, long Trades, long Fen, long GramYears) : IRow
{
    public TResult Accept<TResult>(IRowVisitor<TResult> visitor) => visitor.Visit(this);

    public static DayCounter Empty(DateOnly day) => new(day, 0, 0, 0);

    /// <summary>The China Standard Time date of an instant.</summary>
    public static DateOnly DayOf(DateTimeOffset instant) => DateOnly.FromDateTime(instant.ToOffset(ReportingMonth.ChinaOffset).DateTime);

    public DayCounter With(Trade trade)
    {
        try
        {
            return this with
            {
                Trades = checked(Trades + 1),
                Fen = checked(Fen + trade.Request.Amount.Fen),
                GramYears = checked(GramYears + trade.Request.Quantity.Grams * trade.Request.TermYears),
            };
        }
        catch (OverflowException)
        {
            throw new RuleViolationException($"The figures of {trade.Request.Market} on {Day:yyyy-MM-dd} would exceed the ledger's range with this trade.",
                "Beyond the ledger's range.");
        }
    }
}

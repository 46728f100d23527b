using Trading.Core.Primitives;
using Trading.Core.Writes;

namespace Trading.Core.Ledger;

/// <summary>
/// Counters of one market-month: number of trades, grams and fen traded, and beside them its price figures: gram-years
/// (Σ quantity × termYears, the denominator of the volume-weighted price) and the lowest and highest unit price. Live
/// until the month is closed; then they hold the figures recomputed from the trades, and the month takes no more trades.
/// </summary>
public sealed record MonthCounter(ReportingMonth Month, long Trades, long Grams, long Fen, bool Closed = false, long GramYears = 0,
    long LowFen = 0, long HighFen = 0) : IRow
{
    public TResult Accept<TResult>(IRowVisitor<TResult> visitor) => visitor.Visit(this);

    public static MonthCounter Empty(ReportingMonth month) => new(month, 0, 0, 0);

    /// <summary>The month's counters recomputed from its trades (what CloseMonth publishes).</summary>
    public static MonthCounter Of(ReportingMonth month, IEnumerable<Trade> trades) => trades.Aggregate(Empty(month), (m, t) => m.With(t));

    /// <summary>Counts a trade; a sum beyond the ledger's 64-bit range is refused (422), never an overflow.</summary>
    public MonthCounter With(Trade trade)
    {
        try
        {
            return this with
            {
                Trades = checked(Trades + 1),
                Grams = checked(Grams + trade.Request.Quantity.Grams),
                Fen = checked(Fen + trade.Request.Amount.Fen),
                GramYears = checked(GramYears + trade.Request.Quantity.Grams * trade.Request.TermYears),
                LowFen = Trades == 0 ? trade.Request.UnitPrice.Fen : Math.Min(LowFen, trade.Request.UnitPrice.Fen),
                HighFen = Math.Max(HighFen, trade.Request.UnitPrice.Fen),
            };
        }
        catch (OverflowException)
        {
            throw new RuleViolationException(
                $"The figures of {trade.Request.Market} in {Month} would exceed the ledger's range with this trade.", "Beyond the ledger's range.");
        }
    }
}

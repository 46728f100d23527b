using Trading.Core.Primitives;

namespace Trading.Core.Ledger;

/// <summary>
/// Counters of one market-month: number of trades, grams and fen traded. Live until the month is closed; then they hold
/// the figures recomputed from the trades, and the month takes no more trades.
/// </summary>
public sealed record MonthCounter(ReportingMonth Month, long Trades, long Grams, long Fen, bool Closed = false)
{
    public static MonthCounter Empty(ReportingMonth month) => new(month, 0, 0, 0);

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
            };
        }
        catch (OverflowException)
        {
            throw new RuleViolationException(
                $"The figures of {trade.Request.Market} in {Month} would exceed the ledger's range with this trade.", "Beyond the ledger's range.");
        }
    }
}

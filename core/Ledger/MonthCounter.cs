using Trading.Core.Primitives;
using Trading.Core.Writes;

namespace Trading.Core.Ledger;

/// <summary>
/// Counters of one market-month: number of trades, grams and fen traded (every trade, in band or not), and beside them
/// its price figures, from its in-band trades only (<see cref="Trade.OutsideBand"/> false): their number, fen and
/// gram-years (Σ quantity × termYears, the denominator of the volume-weighted price) and their lowest and highest unit
/// price. Live until the month is closed; then they hold the figures recomputed from the trades, and the month takes no
/// more trades.
/// </summary>
public sealed record MonthCounter(ReportingMonth Month, long Trades, long Grams, long Fen, bool Closed = false, long GramYears = 0,
    long LowFen = 0, long HighFen = 0, long BandTrades = 0, long BandFen = 0, long BandGramYears = 0) : IRow
{
    public TResult Accept<TResult>(IRowVisitor<TResult> visitor) => visitor.Visit(this);

    public static MonthCounter Empty(ReportingMonth month) => new(month, 0, 0, 0);

    /// <summary>The month's counters recomputed from its trades (what CloseMonth publishes).</summary>
    public static MonthCounter Of(ReportingMonth month, IEnumerable<Trade> trades) => trades.Aggregate(Empty(month), (m, t) => m.With(t));

    /// <summary>The month's volume-weighted price over its in-band trades; null when none.</summary>
    public Money? Vwap => Market.Vwap.Of(BandFen, BandGramYears);

    /// <summary>Lowest and highest in-band unit price; null when the month has no in-band trade.</summary>
    public Money? Low => BandTrades == 0 ? null : Money.FromFen(LowFen);

    public Money? High => BandTrades == 0 ? null : Money.FromFen(HighFen);

    /// <summary>Counts a trade; a counter or sum carried beyond the ledger's 64-bit range is refused (422), never an overflow.</summary>
    public MonthCounter With(Trade trade)
    {
        var r = trade.Request;
        var where = $"{r.Market} in {Month}";
        var gramYears = r.Quantity.Grams * (long)r.TermYears; // at most 10^15 g × 5: fits
        var counted = this with
        {
            Trades = Counters.Add(Trades, 1, "trade count", where),
            Grams = Counters.Add(Grams, r.Quantity.Grams, "grams traded", where),
            Fen = Counters.Add(Fen, r.Amount.Fen, "amount in fen", where),
            GramYears = Counters.Add(GramYears, gramYears, "gram-years", where),
        };
        if (trade.OutsideBand) return counted;
        // In-band sums are parts of the sums above: they cannot overflow when those did not.
        return counted with
        {
            BandTrades = BandTrades + 1,
            BandFen = BandFen + r.Amount.Fen,
            BandGramYears = BandGramYears + gramYears,
            LowFen = BandTrades == 0 ? r.UnitPrice.Fen : Math.Min(LowFen, r.UnitPrice.Fen),
            HighFen = BandTrades == 0 ? r.UnitPrice.Fen : Math.Max(HighFen, r.UnitPrice.Fen),
        };
    }
}

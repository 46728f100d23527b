using Trading.Core.Primitives;
using Trading.Core.Writes;

namespace Trading.Core.Ledger;

/// <summary>
/// Price counters of one market-day (China date): trades, fen and gram-years (Σ quantity × termYears) of every trade,
/// and the same of its in-band trades (<see cref="Trade.OutsideBand"/> false) with up to two distinct sellers of them.
/// Kept by the ledger with every trade, they give any window of whole days its volume-weighted price without reading
/// trades (the 90-day reference price of listings and the 12-month price of pledges), and whether that price rests on
/// at least 3 in-band trades by at least 2 different sellers: two sellers per day are enough to know whether a window
/// of days has two (if it has, either one day saw two, or two days saw different ones).
/// </summary>
public sealed record DayCounter(DateOnly Day, long Trades, long Fen, long GramYears, long BandTrades = 0, long BandFen = 0,
    long BandGramYears = 0, string? FirstSeller = null, string? SecondSeller = null) : IRow
{
    public TResult Accept<TResult>(IRowVisitor<TResult> visitor) => visitor.Visit(this);

    public static DayCounter Empty(DateOnly day) => new(day, 0, 0, 0);

    /// <summary>The China Standard Time date of an instant.</summary>
    public static DateOnly DayOf(DateTimeOffset instant) => DateOnly.FromDateTime(instant.ToOffset(ReportingMonth.ChinaOffset).DateTime);

    /// <summary>The distinct in-band sellers recorded (at most two).</summary>
    public IEnumerable<string> Sellers => new[] { FirstSeller, SecondSeller }.OfType<string>();

    /// <summary>Counts a trade; a counter or sum carried beyond the ledger's 64-bit range is refused (422), never an overflow.</summary>
    public DayCounter With(Trade trade)
    {
        var r = trade.Request;
        var where = $"{r.Market} on {Day:yyyy-MM-dd}";
        var gramYears = r.Quantity.Grams * (long)r.TermYears; // at most 10^15 g × 5: fits
        var counted = this with
        {
            Trades = Counters.Add(Trades, 1, "trade count", where),
            Fen = Counters.Add(Fen, r.Amount.Fen, "amount in fen", where),
            GramYears = Counters.Add(GramYears, gramYears, "gram-years", where),
        };
        if (trade.OutsideBand) return counted;
        var seller = r.Seller.Value;
        return counted with
        {
            BandTrades = BandTrades + 1,
            BandFen = BandFen + r.Amount.Fen,
            BandGramYears = BandGramYears + gramYears,
            FirstSeller = FirstSeller ?? seller,
            SecondSeller = SecondSeller ?? (FirstSeller is not null && FirstSeller != seller ? seller : null),
        };
    }
}

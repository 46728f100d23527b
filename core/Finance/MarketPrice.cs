using System.Numerics;
using Trading.Core.Primitives;

namespace Trading.Core.Finance;

/// <summary>
/// A market's price: the volume-weighted average of its trades in the 12 months before the evaluation date,
/// Σ amount / Σ (quantity × termYears), in 元/吨·年, kept as an exact fraction (fen per gram-year).
/// </summary>
public readonly record struct MarketPrice(long AmountFen, BigInteger GramYears)
{
    /// <summary>The window: from the same day a year before (00:00 China time) up to the evaluation day (exclusive).</summary>
    public static (DateTimeOffset From, DateTimeOffset To) Window(DateOnly today)
    {
        var to = new DateTimeOffset(today.ToDateTime(TimeOnly.MinValue), ReportingMonth.ChinaOffset);
        return (to.AddYears(-1), to);
    }

    /// <summary>The price from the ledger's day counters of the window (what the pledge valuation reads); null when nothing traded.</summary>
    public static MarketPrice? FromDays(IEnumerable<Ledger.DayCounter> days, DateOnly today)
    {
        var (from, to) = (today.AddYears(-1), today);
        long fen = 0;
        BigInteger gramYears = 0;
        foreach (var d in days.Where(d => d.Day >= from && d.Day < to))
        {
            fen = checked(fen + d.Fen);
            gramYears += d.GramYears;
        }
        return gramYears.IsZero ? null : new MarketPrice(fen, gramYears);
    }

    /// <summary>Prices from trades (grams, term years, fen, traded at); null when no trade falls in the window.</summary>
    public static MarketPrice? From(IEnumerable<(long Grams, int TermYears, long Fen, DateTimeOffset TradedAt)> trades, DateOnly today)
    {
        var (from, to) = Window(today);
        long fen = 0;
        BigInteger gramYears = 0;
        foreach (var t in trades)
        {
            if (t.TradedAt < from || t.TradedAt >= to) continue;
            fen = checked(fen + t.Fen);
            gramYears += (BigInteger)t.Grams * t.TermYears;
        }
        return gramYears.IsZero ? null : new MarketPrice(fen, gramYears);
    }
}

using System.Numerics;
using Trading.Core.Market;
using Trading.Core.Primitives;

namespace Trading.Core.Finance;

/// <summary>
/// A market's pledge price: the volume-weighted average of its in-band trades in the 12 months before the evaluation
/// date, Σ amount / Σ (quantity × termYears), in 元/吨·年, kept as an exact fraction (fen per gram-year). Like the
/// reference price it needs at least 3 in-band trades by at least 2 different sellers (<see cref="PriceWindow"/>);
/// a trade recorded outside the band never prices rights. Sums are unbounded integers: no read overflows.
/// </summary>
public readonly record struct MarketPrice(BigInteger AmountFen, BigInteger GramYears)
{
    /// <summary>The window: from the same day a year before (00:00 China time) up to the evaluation day (exclusive).</summary>
    public static (DateTimeOffset From, DateTimeOffset To) Window(DateOnly today)
    {
        var to = new DateTimeOffset(today.ToDateTime(TimeOnly.MinValue), ReportingMonth.ChinaOffset);
        return (to.AddYears(-1), to);
    }

    /// <summary>The price from the ledger's day counters of the window (what the pledge valuation reads); null when it makes none.</summary>
    public static MarketPrice? FromDays(IEnumerable<Ledger.DayCounter> days, DateOnly today) => Of(Evidence(days, today));

    /// <summary>The in-band trades of the 12-month window, with why they make no price when they do not.</summary>
    public static PriceWindow Evidence(IEnumerable<Ledger.DayCounter> days, DateOnly today)
    {
        var (from, to) = (today.AddYears(-1), today);
        return PriceWindow.Of(days.Where(d => d.Day >= from && d.Day < to));
    }

    /// <summary>
    /// Prices from trades (grams, term years, fen, traded at, seller, outside the band); null when the in-band trades of the
    /// window make no price.
    /// </summary>
    public static MarketPrice? From(IEnumerable<(long Grams, int TermYears, long Fen, DateTimeOffset TradedAt, string Seller, bool OutsideBand)> trades,
        DateOnly today)
    {
        var (from, to) = Window(today);
        BigInteger fen = 0, gramYears = 0, count = 0;
        var sellers = new HashSet<string>(StringComparer.Ordinal);
        foreach (var t in trades)
        {
            if (t.OutsideBand || t.TradedAt < from || t.TradedAt >= to) continue;
            fen += t.Fen;
            gramYears += (BigInteger)t.Grams * t.TermYears;
            count++;
            sellers.Add(t.Seller);
        }
        return Of(new PriceWindow(count, fen, gramYears, Math.Min(sellers.Count, PriceWindow.MinSellers)));
    }

    private static MarketPrice? Of(PriceWindow w) => w.MakesAPrice ? new MarketPrice(w.Fen, w.GramYears) : null;
}

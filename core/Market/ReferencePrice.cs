using System.Numerics;
using Trading.Core.Ledger;
using Trading.Core.Primitives;

namespace Trading.Core.Market;

/// <summary>
/// A market's reference price: the volume-weighted average unit price of its trades in the 90 days before now (the China
/// dates from 90 days before today through today), from the ledger's day counters. Listings must be priced within
/// ±30 % of it, boundaries included; a market without trades in the window has none, and any price goes.
/// </summary>
public static class ReferencePrice
{
    public const int WindowDays = 90;
    public const int BandPercent = 30;

    public static (DateOnly From, DateOnly To) Window(DateTimeOffset now)
    {
        var today = DayCounter.DayOf(now);
        return (today.AddDays(-WindowDays), today);
    }

    public static Money? From(IEnumerable<DayCounter> days, DateTimeOffset now)
    {
        var (from, to) = Window(now);
        long fen = 0;
        BigInteger gramYears = 0;
        foreach (var d in days.Where(d => d.Day >= from && d.Day <= to))
        {
            fen = checked(fen + d.Fen);
            gramYears += d.GramYears;
        }
        return Vwap.Of(fen, gramYears);
    }

    /// <summary>The band around a reference price: exactly ±30 %, as whole fen inside it.</summary>
    public static (Money Low, Money High) Band(Money reference) =>
        (Money.FromFen((reference.Fen * (100 - BandPercent) + 99) / 100), Money.FromFen(reference.Fen * (100 + BandPercent) / 100));

    /// <summary>A price outside the band is refused (422 with <c>referencePrice</c> and <c>band</c>).</summary>
    public static void RequireInBand(Money price, Money? reference)
    {
        if (reference is not { } r) return;
        if (price.Fen * 100 >= r.Fen * (100 - BandPercent) && price.Fen * 100 <= r.Fen * (100 + BandPercent)) return;
        var (low, high) = Band(r);
        var ex = new RuleViolationException(
            $"unitPrice {price.Yuan:0.00} is outside ±{BandPercent} % of the market's reference price {r.Yuan:0.00} ({low.Yuan:0.00} to {high.Yuan:0.00}).",
            "The price is outside the band.");
        ex.Extensions["referencePrice"] = r.Yuan;
        ex.Extensions["band"] = new Dictionary<string, decimal> { ["low"] = low.Yuan, ["high"] = high.Yuan };
        throw ex;
    }
}

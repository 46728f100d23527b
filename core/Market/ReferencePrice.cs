using Trading.Core.Ledger;
using Trading.Core.Primitives;

namespace Trading.Core.Market;

/// <summary>
/// A market's reference price: the volume-weighted average unit price of its in-band trades in the 90 days before now
/// (the China dates from 90 days before today through today), from the ledger's day counters, when they are at least 3
/// trades by at least 2 different sellers (<see cref="PriceWindow"/>); otherwise the market has none. Listings and
/// agreement prices (proposal and confirmation) must lie within ±30 % of it, boundaries included; without one any price
/// goes. A trade recorded outside the band (<see cref="Trade.OutsideBand"/>) never enters it.
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

    /// <summary>The reference price at <paramref name="now"/> from the day counters (days outside the window are ignored).</summary>
    public static Money? From(IEnumerable<DayCounter> days, DateTimeOffset now) => Evidence(days, now).Price;

    /// <summary>The in-band trades of the window, with why they make no price when they do not.</summary>
    public static PriceWindow Evidence(IEnumerable<DayCounter> days, DateTimeOffset now)
    {
        var (from, to) = Window(now);
        return PriceWindow.Of(days.Where(d => d.Day >= from && d.Day <= to));
    }

    /// <summary>The band around a reference price: exactly ±30 %, as whole fen inside it.</summary>
    public static (Money Low, Money High) Band(Money reference) =>
        (Money.FromFen((long)(((Int128)reference.Fen * (100 - BandPercent) + 99) / 100)), Money.FromFen((long)((Int128)reference.Fen * (100 + BandPercent) / 100)));

    /// <summary>True when <paramref name="price"/> lies within ±30 % of <paramref name="reference"/> (boundaries included), or there is no reference.</summary>
    public static bool IsInBand(Money price, Money? reference) => reference is not { } r
        || ((Int128)price.Fen * 100 >= (Int128)r.Fen * (100 - BandPercent) && (Int128)price.Fen * 100 <= (Int128)r.Fen * (100 + BandPercent));

    /// <summary>A price outside the band is refused (422 with <c>referencePrice</c> and <c>band</c>).</summary>
    public static void RequireInBand(Money price, Money? reference)
    {
        if (IsInBand(price, reference)) return;
        var r = reference!.Value;
        var (low, high) = Band(r);
        var ex = new RuleViolationException(
            $"unitPrice {price.Yuan:0.00} is outside ±{BandPercent} % of the market's reference price {r.Yuan:0.00} ({low.Yuan:0.00} to {high.Yuan:0.00}).",
            "The price is outside the band.");
        ex.Extensions["referencePrice"] = r.Yuan;
        ex.Extensions["band"] = new Dictionary<string, decimal> { ["low"] = low.Yuan, ["high"] = high.Yuan };
        throw ex;
    }
}

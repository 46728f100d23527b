using System.Numerics;
using Trading.Core.Ledger;
using Trading.Core.Primitives;

namespace Trading.Core.Market;

/// <summary>
/// The in-band trades of a window of days, summed from day counters in unbounded integers (a read never overflows,
/// whatever the stored sums): their number, fen, gram-years and how many different sellers they had (counted up to 2;
/// the reserve is one seller). A price rests on them only when there are at least <see cref="MinTrades"/> trades by at
/// least <see cref="MinSellers"/> sellers: one firm (or two colluding in one direction) cannot make a price alone.
/// </summary>
public sealed record PriceWindow(BigInteger Trades, BigInteger Fen, BigInteger GramYears, int Sellers)
{
    public const int MinTrades = 3;
    public const int MinSellers = 2;

    public static PriceWindow Of(IEnumerable<DayCounter> days)
    {
        BigInteger trades = 0, fen = 0, gramYears = 0;
        var sellers = new HashSet<string>(StringComparer.Ordinal);
        foreach (var d in days)
        {
            trades += d.BandTrades;
            fen += d.BandFen;
            gramYears += d.BandGramYears;
            foreach (var s in d.Sellers) if (sellers.Count < MinSellers) sellers.Add(s);
        }
        return new PriceWindow(trades, fen, gramYears, sellers.Count);
    }

    /// <summary>Enough in-band trades by enough sellers to make a price.</summary>
    public bool MakesAPrice => Trades >= MinTrades && Sellers >= MinSellers && !GramYears.IsZero;

    /// <summary>Why the window makes no price, in words; null when it makes one.</summary>
    public string? Shortfall => MakesAPrice ? null
        : Trades.IsZero ? "no in-band trades"
        : $"{Trades} in-band trade(s) by {Sellers} seller(s), fewer than the {MinTrades} trades by {MinSellers} different sellers a price needs";

    /// <summary>The volume-weighted unit price, rounded to the fen; null when the window makes no price.</summary>
    public Money? Price => MakesAPrice ? Vwap.Of(Fen, GramYears) : null;
}

using Trading.Core.Primitives;

namespace Trading.Core.Reporting;

/// <summary>Trades, grams and fen of some set of trades. Invariant: sums are exact (checked long arithmetic).</summary>
public readonly record struct Totals(long Trades, long Grams, long Fen)
{
    public static Totals Zero => default;

    public Totals Add(Totals other) => new(checked(Trades + other.Trades), checked(Grams + other.Grams), checked(Fen + other.Fen));

    public Totals Minus(Totals other) => new(checked(Trades - other.Trades), checked(Grams - other.Grams), checked(Fen - other.Fen));

    public Quantity Quantity => Quantity.FromGrams(Grams);
    public Money Amount => Money.FromFen(Fen);
}

using Trading.Core.Primitives;

namespace Trading.Core.Reporting;

/// <summary>
/// Trades, grams and fen of some set of trades. Invariant: sums are exact. Each market-month counter fits in a long
/// (an overflowing write is refused with 422), but a sum over many counters need not: sums are Int128, which no read
/// can overflow (it would take more than 2^64 counters at the long limit).
/// </summary>
public readonly record struct Totals(Int128 Trades, Int128 Grams, Int128 Fen)
{
    public static Totals Zero => default;

    public Totals Add(Totals other) => new(checked(Trades + other.Trades), checked(Grams + other.Grams), checked(Fen + other.Fen));

    public Totals Minus(Totals other) => new(checked(Trades - other.Trades), checked(Grams - other.Grams), checked(Fen - other.Fen));

    /// <summary>Tonnes per year, exact, without trailing zeros (as <see cref="Quantity.Tonnes"/>).</summary>
    public decimal Tonnes => Quantity.Normalize(Wide.ToDecimal(Grams) / Quantity.GramsPerTonne);

    /// <summary>Yuan with exactly two decimals (as <see cref="Money.Yuan"/>).</summary>
    public decimal Yuan => Wide.Yuan(Fen);
}

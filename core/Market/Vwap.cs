using System.Numerics;
using Trading.Core.Primitives;

namespace Trading.Core.Market;

/// <summary>The volume-weighted average unit price: Σ amount / Σ (quantity × termYears), in 元/吨·年, rounded to the fen.</summary>
public static class Vwap
{
    /// <summary>Fen per tonne-year, half away from zero; null when nothing traded.</summary>
    public static Money? Of(long fen, BigInteger gramYears)
    {
        if (gramYears.IsZero) return null;
        var numerator = (BigInteger)fen * Quantity.GramsPerTonne;
        var quotient = BigInteger.DivRem(numerator, gramYears, out var remainder);
        if (remainder * 2 >= gramYears) quotient += 1;
        return Money.FromFen((long)quotient);
    }
}

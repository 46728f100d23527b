using System.Numerics;
using Trading.Core.Primitives;

namespace Trading.Core.Market;

/// <summary>The volume-weighted average unit price: Σ amount / Σ (quantity × termYears), in 元/吨·年, rounded to the fen.</summary>
public static class Vwap
{
    /// <summary>
    /// Fen per tonne-year, half away from zero; null when nothing traded. Exact in unbounded integers, so no sum is too
    /// large to read; a quotient beyond 64-bit fen (not possible for trades of at most 10,000,000.00 per t·a) is capped.
    /// </summary>
    public static Money? Of(BigInteger fen, BigInteger gramYears)
    {
        if (gramYears.IsZero) return null;
        var numerator = fen * Quantity.GramsPerTonne;
        var quotient = BigInteger.DivRem(numerator, gramYears, out var remainder);
        if (remainder * 2 >= gramYears) quotient += 1;
        return Money.FromFen(quotient > long.MaxValue ? long.MaxValue : (long)quotient);
    }
}

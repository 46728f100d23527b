using Trading.Core.Primitives;

namespace Trading.Core.Ledger;

public static class Amounts
{
    /// <summary>
    /// amount = round(quantity × unitPrice × termYears, 2), half away from zero (四舍五入), computed exactly:
    /// grams × fen × years / 1,000,000 in 128-bit integers. 96 t × 389 × 5 = 186,720.00.
    /// </summary>
    public static Money TradeAmount(Quantity quantity, Money unitPrice, int termYears)
    {
        var product = (Int128)quantity.Grams * unitPrice.Fen * termYears;
        var quotient = Int128.DivRem(product, Quantity.GramsPerTonne);
        var fen = quotient.Quotient + (quotient.Remainder * 2 >= Quantity.GramsPerTonne ? 1 : 0);
        if (fen > long.MaxValue) throw new OverflowException("the trade amount does not fit in 64 bits of fen");
        return Money.FromFen((long)fen);
    }
}

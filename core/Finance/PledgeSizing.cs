using System.Numerics;
using Trading.Core.Primitives;

namespace Trading.Core.Finance;

/// <summary>
/// How much of a firm's rights a loan may bind: the quantity whose pledge value (as the product values it: quantity ×
/// 12-month price × term in years × loan-to-value) covers the loan, rounded up to the gram. A bank that approves a loan
/// with a pledge binds no more than that: applying for a pledge product is consent to pledge what the loan needs.
/// </summary>
public static class PledgeSizing
{
    public static Quantity Needed(Money loan, MarketPrice price, LoanProduct product)
    {
        var pledge = product.Pledge ?? throw new ArgumentException("not a pledge product", nameof(product));
        var ltvScaled = new BigInteger(decimal.Truncate(pledge.LoanToValue * 10_000));
        // value(q) = q × AmountFen / GramYears × TermMonths / 12 × ltv; q = loan × GramYears × 12 × 10,000 / (AmountFen × TermMonths × ltv×10,000)
        var numerator = (BigInteger)loan.Fen * price.GramYears * 12 * 10_000;
        var denominator = (BigInteger)price.AmountFen * product.TermMonths * ltvScaled;
        var grams = BigInteger.DivRem(numerator, denominator, out var remainder) + (remainder.IsZero ? 0 : 1);
        return grams > long.MaxValue ? Quantity.FromGrams(long.MaxValue) : Quantity.FromGrams((long)grams);
    }
}

using System.Numerics;
using Trading.Core.Enterprises;
using Trading.Core.Ledger;
using Trading.Core.Primitives;

namespace Trading.Core.Finance;

public static class Eligibility
{
    /// <summary>
    /// Evaluates one product against one enterprise, purely: grade in force (expired = Ungraded; Leading counts as A;
    /// A+ above A), credit rating (Red and Black never), positive list, industry, region prefix, and for pledge
    /// products the limit = min(maxAmount, loanToValue × Σ available × price × termMonths/12) rounded down to the fen,
    /// not eligible below minAmount. <paramref name="holdings"/> are the firm's; pledged and frozen rights are not available.
    /// </summary>
    public static EligibilityResult Evaluate(LoanProduct product, Enterprise firm, IReadOnlyList<MarketHolding> holdings,
        IReadOnlyDictionary<MarketId, MarketPrice> prices, DateOnly today)
    {
        var reasons = new List<string>();
        var notes = new List<string>();
        var grade = Ratings.InForce(firm.Grade, firm.GradeValidUntil, today);
        if (grade == PerformanceGrade.Ungraded)
        {
            if (!product.AllowUngraded)
                reasons.Add(firm.Grade != PerformanceGrade.Ungraded
                    ? $"grade {Name(firm.Grade)} expired on {firm.GradeValidUntil:yyyy-MM-dd}, so the firm counts as ungraded, which the product does not accept"
                    : "the firm is ungraded, which the product does not accept");
        }
        else if (grade.Rank() > product.MinGrade.Rank())
        {
            reasons.Add($"grade {Name(grade)} is below the required {Name(product.MinGrade)}");
        }

        if (firm.CreditRating is CreditRating.Red or CreditRating.Black)
            reasons.Add($"credit rating {firm.CreditRating}: Red and Black firms get no new loans");
        else if (firm.CreditRating > product.MinCreditRating)
            reasons.Add($"credit rating {firm.CreditRating} is below the required {product.MinCreditRating}");

        if (product.RequirePositiveList && !firm.PositiveList)
            reasons.Add("the firm is not on the positive list (监督执法正面清单), which the product requires");

        if (product.Industries.Count > 0 && !product.Industries.Contains(firm.Industry))
            reasons.Add($"industry {firm.Industry} is not among the product's industries ({string.Join(", ", product.Industries.Order())})");

        if (product.Regions.Count > 0 && !product.Regions.Any(firm.Region.IsWithin))
            reasons.Add($"region {firm.Region} is outside the regions the product serves ({string.Join(", ", product.Regions.Select(r => r.Value))})");

        Money limit = product.MaxAmount;
        if (product.Pledge is { } pledge)
        {
            limit = PledgeLimit(product, pledge, holdings, prices, notes, reasons);
        }
        if (reasons.Count == 0 && limit.Fen < product.MinAmount.Fen)
            reasons.Add($"the limit of {Text.Yuan(limit)} CNY is below the product's minimum of {Text.Yuan(product.MinAmount)} CNY");
        var eligible = reasons.Count == 0;
        return new EligibilityResult(eligible, eligible ? limit : null, reasons, notes, grade);
    }

    private static Money PledgeLimit(LoanProduct product, PledgeTerms pledge, IReadOnlyList<MarketHolding> holdings,
        IReadOnlyDictionary<MarketId, MarketPrice> prices, List<string> notes, List<string> reasons)
    {
        // Σ over markets: available grams × (fen / gram-year) × termMonths / 12, summed as one exact fraction.
        BigInteger numerator = 0;
        BigInteger denominator = 1;
        var anyHeld = false;
        foreach (var h in holdings.Where(h => pledge.Pollutants.Contains(h.Market.Pollutant)).OrderBy(h => h.Market.Key, StringComparer.Ordinal))
        {
            var available = h.Holding.Available.Grams;
            if (available == 0) continue;
            anyHeld = true;
            if (!prices.TryGetValue(h.Market, out var price))
            {
                notes.Add($"no price for {h.Market.Region} {h.Market.Pollutant}: a price needs at least {Trading.Core.Market.PriceWindow.MinTrades} in-band trades by at least {Trading.Core.Market.PriceWindow.MinSellers} different sellers in the last 12 months, so the rights cannot be valued");
                continue;
            }
            var n = (BigInteger)available * price.AmountFen * product.TermMonths;
            var d = price.GramYears * 12;
            numerator = numerator * d + n * denominator;
            denominator *= d;
        }
        if (!anyHeld)
        {
            reasons.Add($"the firm holds no available {string.Join(" or ", pledge.Pollutants)} rights to pledge");
            return Money.Zero;
        }
        if (numerator.IsZero && notes.Count > 0)
        {
            reasons.AddRange(notes);
            notes.Clear();
            return Money.Zero;
        }
        // × loanToValue (a decimal with at most 4 places), then down to the fen.
        var ltvScaled = new BigInteger(decimal.Truncate(pledge.LoanToValue * 10_000));
        var fen = BigInteger.Divide(numerator * ltvScaled, denominator * 10_000);
        return fen >= product.MaxAmount.Fen ? product.MaxAmount : Money.FromFen((long)fen);
    }

    private static string Name(PerformanceGrade g) => g switch
    {
        PerformanceGrade.APlus => "A+",
        PerformanceGrade.BMinus => "B-",
        _ => g.ToString(),
    };
}

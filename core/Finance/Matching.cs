using Trading.Core.Enterprises;
using Trading.Core.Ledger;
using Trading.Core.Primitives;

namespace Trading.Core.Finance;

public static class Matching
{
    /// <summary>Every eligible pair, using the index.</summary>
    public static List<Match> Refresh(ProductIndex index, IEnumerable<Enterprise> firms, Func<Enterprise, IReadOnlyList<MarketHolding>> holdingsOf,
        IReadOnlyDictionary<MarketId, MarketPrice> prices, DateOnly today)
    {
        var matches = new List<Match>();
        foreach (var firm in firms)
        {
            if (firm.CreditRating is CreditRating.Red or CreditRating.Black) continue;
            var grade = Ratings.InForce(firm.Grade, firm.GradeValidUntil, today);
            IReadOnlyList<MarketHolding>? holdings = null;
            foreach (var product in index.Candidates(firm.Region, firm.Industry, grade))
            {
                // Holdings matter to pledge products only: read them once, on the first one.
                if (product.Pledge is not null) holdings ??= holdingsOf(firm);
                var result = Eligibility.Evaluate(product, firm, product.Pledge is null ? [] : holdings!, prices, today);
                if (result.Eligible) matches.Add(new Match(product, firm, result.GradeInForce, result.Limit!.Value));
            }
        }
        return matches;
    }

    /// <summary>Every eligible pair by evaluating every pair (the reference the index must equal; and the benchmark's naive figure).</summary>
    public static List<Match> RefreshNaive(IReadOnlyList<LoanProduct> products, IEnumerable<Enterprise> firms, Func<Enterprise, IReadOnlyList<MarketHolding>> holdingsOf,
        IReadOnlyDictionary<MarketId, MarketPrice> prices, DateOnly today)
    {
        var matches = new List<Match>();
        foreach (var firm in firms)
        {
            var holdings = holdingsOf(firm);
            foreach (var product in products)
            {
                var result = Eligibility.Evaluate(product, firm, holdings, prices, today);
                if (result.Eligible) matches.Add(new Match(product, firm, result.GradeInForce, result.Limit!.Value));
            }
        }
        return matches;
    }

    /// <summary>List order of a product's eligible firms: best grade first, then the largest limit, then credit code.</summary>
    public static IOrderedEnumerable<Match> Ranked(IEnumerable<Match> matches) =>
        matches.OrderBy(m => m.Grade.Rank()).ThenByDescending(m => m.Limit.Fen).ThenBy(m => m.Firm.CreditCode.Value, StringComparer.Ordinal);
}

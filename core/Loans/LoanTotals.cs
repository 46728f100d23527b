using System.Globalization;
using Trading.Core.Access;
using Trading.Core.Primitives;

namespace Trading.Core.Loans;

/// <summary>Green-loan figures of a range: distinct borrowers (a firm with several loans counts once), loans, amount, by bank.</summary>
public sealed record LoanTotals(long Firms, long Loans, Money Amount, IReadOnlyList<(BankId Bank, long Firms, long Loans, Money Amount)> ByBank)
{
    /// <summary>The figures of the counters, exact: firms are distinct borrowers over the whole range.</summary>
    public static LoanTotals Of(IEnumerable<LoanCounter> counters)
    {
        var list = counters.ToList();
        var byBank = list.GroupBy(c => c.Bank).OrderBy(g => g.Key.Value, StringComparer.Ordinal)
            .Select(g => (g.Key, (long)g.Select(c => c.Borrower).Distinct().Count(), g.Sum(c => c.Loans), Money.FromFen(g.Sum(c => c.Fen)))).ToList();
        return new LoanTotals(list.Select(c => c.Borrower).Distinct().Count(), list.Sum(c => c.Loans), Money.FromFen(list.Sum(c => c.Fen)), byBank);
    }

    /// <summary>"帮助21家企业成功获得绿色金融贷款3.35亿元": amounts of 100,000,000 CNY and more in 亿元, smaller ones in 万元, two decimals.</summary>
    public string Sentence()
    {
        var yuan = Amount.Yuan;
        var amount = yuan >= 100_000_000m
            ? (yuan / 100_000_000m).ToString("0.00", CultureInfo.InvariantCulture) + "亿元"
            : (yuan / 10_000m).ToString("0.00", CultureInfo.InvariantCulture) + "万元";
        return $"帮助{Firms}家企业成功获得绿色金融贷款{amount}";
    }
}

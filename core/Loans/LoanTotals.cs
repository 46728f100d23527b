using System.Globalization;
using Trading.Core.Access;
using Trading.Core.Reporting;

namespace Trading.Core.Loans;

/// <summary>
/// Green-loan figures of a range: distinct borrowers (a firm with several loans counts once), loans, amount in fen, by bank.
/// Loans and fen are summed wide (Int128): each counter fits in a long, a sum over many need not, and a read never overflows.
/// </summary>
public sealed record LoanTotals(long Firms, Int128 Loans, Int128 Fen, IReadOnlyList<(BankId Bank, long Firms, Int128 Loans, Int128 Fen)> ByBank)
{
    /// <summary>The figures of the counters, exact: firms are distinct borrowers over the whole range.</summary>
    public static LoanTotals Of(IEnumerable<LoanCounter> counters)
    {
        var list = counters.ToList();
        var byBank = list.GroupBy(c => c.Bank).OrderBy(g => g.Key.Value, StringComparer.Ordinal)
            .Select(g => (g.Key, (long)g.Select(c => c.Borrower).Distinct().Count(), Sum(g, c => c.Loans), Sum(g, c => c.Fen))).ToList();
        return new LoanTotals(list.Select(c => c.Borrower).Distinct().Count(), Sum(list, c => c.Loans), Sum(list, c => c.Fen), byBank);
    }

    private static Int128 Sum(IEnumerable<LoanCounter> counters, Func<LoanCounter, long> value) =>
        counters.Aggregate(Int128.Zero, (s, c) => s + value(c));

    /// <summary>The amount in yuan with exactly two decimals.</summary>
    public decimal Yuan => Wide.Yuan(Fen);

    /// <summary>"帮助21家企业成功获得绿色金融贷款3.35亿元": amounts of 100,000,000 CNY and more in 亿元, smaller ones in 万元, two decimals.</summary>
    public string Sentence()
    {
        var yuan = Yuan;
        var amount = yuan >= 100_000_000m
            ? (yuan / 100_000_000m).ToString("0.00", CultureInfo.InvariantCulture) + "亿元"
            : (yuan / 10_000m).ToString("0.00", CultureInfo.InvariantCulture) + "万元";
        return $"帮助{Firms}家企业成功获得绿色金融贷款{amount}";
    }
}

using Trading.Core.Access;
using Trading.Core.Loans;
using Trading.Core.Primitives;

namespace Trading.Core.Tests;

public sealed class LoanFiguresTests
{
    private static BankId Bank(string id) => BankId.TryParse(id, out var b, out _) ? b : throw new ArgumentException(id);

    [Fact]
    public void A_firm_counts_once_however_many_loans_and_months_and_banks()
    {
        var firm = CreditCode.FromBody("91131000MA0000001");
        var region = RegionCode.Parse("131000");
        var counters = new[]
        {
            new LoanCounter(region, new ReportingMonth(2024, 1), Bank("ICBC-LF"), firm, 2, 300_000_000),
            new LoanCounter(region, new ReportingMonth(2024, 3), Bank("ICBC-LF"), firm, 1, 100_000_000),
            new LoanCounter(region, new ReportingMonth(2024, 3), Bank("BOC-LF"), firm, 1, 50_000_000),
        };
        var totals = LoanTotals.Of(counters);
        Assert.Equal((1L, (Int128)4, (Int128)450_000_000), (totals.Firms, totals.Loans, totals.Fen));
        Assert.Equal(4_500_000.00m, totals.Yuan);
        Assert.Equal([("BOC-LF", 1L, (Int128)1), ("ICBC-LF", 1L, (Int128)3)], totals.ByBank.Select(b => (b.Bank.Value, b.Firms, b.Loans)));
    }

    [Fact]
    public void The_sentence_reads_as_officials_publish_it()
    {
        var counters = Enumerable.Range(0, 21).Select(i => new LoanCounter(RegionCode.Parse("131000"), new ReportingMonth(2024, 1 + i % 6), Bank("ICBC-LF"),
            CreditCode.FromBody($"91131000MA{i:D7}"), 1, i == 0 ? 33_500_000_000L - 20 * 1_000_000_000L : 1_000_000_000L));
        Assert.Equal("帮助21家企业成功获得绿色金融贷款3.35亿元", LoanTotals.Of(counters).Sentence());
        Assert.Equal("帮助1家企业成功获得绿色金融贷款500.00万元", LoanTotals.Of([new LoanCounter(RegionCode.Parse("131000"), new ReportingMonth(2024, 1),
            Bank("ICBC-LF"), CreditCode.FromBody("91131000MA0000001"), 1, 500_000_000)]).Sentence());
    }

    [Fact]
    public void Counters_equal_brute_force_over_generated_loans_for_every_prefix_and_range()
    {
        var random = new Random(5);
        string[] regions = ["131000", "131024", "131081", "130100", "130102"];
        string[] banks = ["ICBC-LF", "BOC-LF", "CCB-HB"];
        var firms = Enumerable.Range(0, 40).Select(i => (Code: CreditCode.FromBody($"91{regions[i % regions.Length]}MA{i:D7}"), Region: RegionCode.Parse(regions[i % regions.Length]))).ToList();
        var loans = Enumerable.Range(0, 600).Select(i =>
        {
            var f = firms[random.Next(firms.Count)];
            return (f.Code, f.Region, Bank: Bank(banks[random.Next(banks.Length)]), Month: new ReportingMonth(2023, 1).AddMonths(random.Next(24)), Fen: (long)random.Next(1, 1_000_000) * 100);
        }).ToList();
        // The counters as the ledger keeps them: one per (region, month, bank, borrower).
        var counters = loans.GroupBy(l => (l.Region, l.Month, l.Bank, l.Code))
            .Select(g => new LoanCounter(g.Key.Region, g.Key.Month, g.Key.Bank, g.Key.Code, g.Count(), g.Sum(l => l.Fen))).ToList();
        foreach (var prefix in new[] { "", "13", "1310", "131000", "1301" })
            foreach (var (from, to) in new[] { (new ReportingMonth(2024, 1), new ReportingMonth(2024, 6)), (new ReportingMonth(2023, 3), new ReportingMonth(2024, 11)), (new ReportingMonth(2023, 5), new ReportingMonth(2023, 5)) })
            {
                var expected = loans.Where(l => l.Region.Value.StartsWith(prefix, StringComparison.Ordinal) && l.Month >= from && l.Month <= to).ToList();
                var actual = LoanTotals.Of(counters.Where(c => c.Region.Value.StartsWith(prefix, StringComparison.Ordinal) && c.Month >= from && c.Month <= to));
                Assert.Equal(expected.Select(l => l.Code).Distinct().Count(), actual.Firms);
                Assert.Equal(expected.Count, actual.Loans);
                Assert.Equal(expected.Sum(l => l.Fen), actual.Fen);
            }
    }
}

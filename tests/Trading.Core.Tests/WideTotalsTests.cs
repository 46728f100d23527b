using System.Globalization;
using Trading.Core.Access;
using Trading.Core.Loans;
using Trading.Core.Primitives;
using Trading.Core.Reporting;

namespace Trading.Core.Tests;

/// <summary>Sums across counters never overflow: each counter fits in a long, their sums are wide and exact (api.md v3, issue 16).</summary>
public sealed class WideTotalsTests
{
    private const long Max = long.MaxValue;
    private static readonly ReportingMonth Jan = new(2024, 1);
    private static readonly ReportingMonth Feb = new(2024, 2);

    /// <summary>3 markets × 2 months, every counter at the long limit.</summary>
    private static List<MarketMonth> FullCounters() =>
        (from region in new[] { "131000", "131024", "130100" }
         from month in new[] { Jan, Feb }
         select new MarketMonth(new MarketId(RegionCode.Parse(region), Pollutant.SO2), month, new Totals(Max, Max, Max), true)).ToList();

    [Fact]
    public void Figures_over_counters_at_the_long_limit_are_exact()
    {
        var f = Aggregation.Period(FullCounters(), RegionPrefix.Parse("13"), Jan, Feb, new HashSet<ReportingMonth> { Jan, Feb }, withPreviousMonth: true);

        var six = (Int128)Max * 6;
        Assert.Equal(new Totals(six, six, six), f.Current);
        Assert.Equal([(Pollutant.SO2, new Totals(six, six, six))], f.ByPollutant);
        Assert.All(f.Months, m => Assert.Equal(new Totals((Int128)Max * 3, (Int128)Max * 3, (Int128)Max * 3), m.Current));
        Assert.Equal(decimal.Parse("553402322211286548.42", CultureInfo.InvariantCulture), f.Current.Yuan);   // 6 × 9223372036854775807 fen
        Assert.Equal(decimal.Parse("55340232221128.654842", CultureInfo.InvariantCulture), f.Current.Tonnes);
        Assert.Equal(six, f.YearOverYear.TradesDelta);
        Assert.Null(f.YearOverYear.AmountPct);
        Assert.Equal($"完成排污权交易{six}笔，同比增加{six}笔；交易金额55340232221128.65万元，上年同期无交易", f.Sentence);
    }

    [Fact]
    public void Changes_and_percentages_between_wide_sums_are_exact()
    {
        var six = (Int128)Max * 6;
        var change = Figures.Compare(new Totals(six, six, six), new Totals(Max, Max, Max));
        Assert.Equal((Int128)Max * 5, change.TradesDelta);
        Assert.Equal(500.0m, change.TradesPct);
        Assert.Equal((Int128)Max * 5, change.AmountDeltaFen);
        Assert.Equal(decimal.Parse("461168601842738790.35", CultureInfo.InvariantCulture), change.AmountDelta);
        Assert.Equal(-83.3m, Figures.Percent(-(Int128)Max * 5, six));
    }

    [Fact]
    public void A_month_report_over_counters_at_the_long_limit_is_exact()
    {
        var report = MonthReport.Build(Jan, RegionPrefix.All, FullCounters().Where(m => m.Month == Jan).Select(m => (m.Market, m.Totals)));
        Assert.Equal((Int128)Max * 3, report.Total.Fen);
        Assert.EndsWith("\r\n2024-01,全国 All,合计 Total,27670116110564327421,27670116110564.327421,276701161105643274.21\r\n", report.ToCsv());
    }

    private static BankId Bank(string id) => BankId.TryParse(id, out var b, out _) ? b : throw new ArgumentException(id);

    [Fact]
    public void Loan_totals_over_counters_near_the_limit_are_exact()
    {
        var region = RegionCode.Parse("131000");
        var counters = Enumerable.Range(0, 4).Select(i => new LoanCounter(region, Jan.AddMonths(i % 2), Bank(i < 2 ? "ICBC-LF" : "BOC-LF"),
            CreditCode.FromBody($"91131000MA000000{i}"), Max - 1, Max - 1)).ToList();
        var totals = LoanTotals.Of(counters);
        var four = ((Int128)Max - 1) * 4;
        Assert.Equal((4L, four, four), (totals.Firms, totals.Loans, totals.Fen));
        Assert.Equal([("BOC-LF", 2L, four / 2), ("ICBC-LF", 2L, four / 2)], totals.ByBank.Select(b => (b.Bank.Value, b.Firms, b.Fen)));
        Assert.Equal(decimal.Parse("368934881474191032.24", CultureInfo.InvariantCulture), totals.Yuan);
        Assert.Equal("帮助4家企业成功获得绿色金融贷款3689348814.74亿元", totals.Sentence());
    }
}

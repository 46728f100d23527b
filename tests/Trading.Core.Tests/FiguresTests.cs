using Trading.Core.Primitives;
using Trading.Core.Reporting;

namespace Trading.Core.Tests;

public sealed class FiguresTests
{
    [Theory]
    [InlineData(75, 43, "174.4")]
    [InlineData(162_240_000, 198_580_000, "81.7")]
    [InlineData(1, 8, "12.5")]      // 12.5 exactly
    [InlineData(1, 16, "6.3")]      // 6.25 rounds half away from zero
    [InlineData(-1, 16, "-6.3")]    // and away from zero when negative
    [InlineData(-43, 43, "-100.0")]
    [InlineData(0, 5, "0.0")]
    [InlineData(1, 3, "33.3")]
    [InlineData(2, 3, "66.7")]
    public void Percentages_round_to_one_decimal_half_away_from_zero(long delta, long @base, string expected) =>
        Assert.Equal(expected, Figures.Percent(delta, @base)!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));

    [Fact]
    public void A_zero_base_gives_no_percentage() => Assert.Null(Figures.Percent(5, 0));

    [Fact]
    public void Langfang_first_half_2024_reads_as_the_bureau_reported_it()
    {
        var current = new Totals(118, 0, 360_820_000);
        var previous = new Totals(43, 0, 198_580_000);
        Assert.Equal("完成排污权交易118笔，同比增加75笔；交易金额360.82万元，同比增长81.7%", Figures.Sentence(current, previous));
        var change = Figures.Compare(current, previous);
        Assert.Equal(75, change.TradesDelta);
        Assert.Equal(174.4m, change.TradesPct);
        Assert.Equal(162_240_000, change.AmountDeltaFen);
        Assert.Equal(1_622_400.00m, change.AmountDelta);
        Assert.Equal(81.7m, change.AmountPct);
    }

    [Fact]
    public void Decreases_and_missing_bases_read_naturally()
    {
        Assert.Equal("完成排污权交易40笔，同比减少3笔；交易金额150.00万元，同比下降24.5%",
            Figures.Sentence(new Totals(40, 0, 150_000_000), new Totals(43, 0, 198_580_000)));
        Assert.Equal("完成排污权交易2笔，同比增加2笔；交易金额0.01万元，上年同期无交易",
            Figures.Sentence(new Totals(2, 0, 5_000), Totals.Zero));
    }

    [Theory]
    [InlineData(360_820_000, "360.82")]
    [InlineData(4_999, "0.00")]
    [InlineData(5_000, "0.01")]
    [InlineData(1_000_000_000_000, "1000000.00")]
    public void Ten_thousand_yuan_round_half_away_from_zero(long fen, string expected) => Assert.Equal(expected, Figures.TenThousandYuan(fen));

    [Fact]
    public void A_period_sums_its_region_and_compares_with_the_year_before()
    {
        MarketMonth Row(string region, Pollutant p, int y, int m, long trades, long fen) =>
            new(new MarketId(RegionCode.Parse(region), p), new ReportingMonth(y, m), new Totals(trades, trades * 1_000_000, fen), false);
        var rows = new[]
        {
            Row("131000", Pollutant.SO2, 2024, 1, 3, 300), Row("131024", Pollutant.VOCs, 2024, 6, 2, 200),
            Row("131000", Pollutant.SO2, 2024, 7, 9, 900), Row("130100", Pollutant.SO2, 2024, 2, 5, 500),
            Row("131000", Pollutant.SO2, 2023, 3, 1, 100), Row("131000", Pollutant.NOx, 2023, 12, 4, 400),
        };
        var f = Aggregation.Period(rows, RegionPrefix.Parse("1310"), new(2024, 1), new(2024, 6), new HashSet<ReportingMonth>(), withPreviousMonth: false);
        Assert.Equal(new Totals(5, 5_000_000, 500), f.Current);
        Assert.Equal(new Totals(1, 1_000_000, 100), f.PreviousYear);
        Assert.Equal([Pollutant.SO2, Pollutant.VOCs], f.ByPollutant.Select(p => p.Pollutant));
        Assert.False(f.Closed);
        var jan = Aggregation.Period(rows, RegionPrefix.Parse("13"), new(2024, 1), new(2024, 1), new HashSet<ReportingMonth> { new(2024, 1) }, withPreviousMonth: true);
        Assert.True(jan.Closed);
        Assert.Equal(new Totals(4, 4_000_000, 400), jan.PreviousMonth);
        Assert.Equal(-1, jan.MonthOverMonth!.TradesDelta);
    }

    [Fact]
    public void A_region_month_adds_what_pending_market_months_hold_beyond_their_copy()
    {
        Assert.Equal(["", "13", "1310", "131024"], RegionMonth.LevelsOf(RegionCode.Parse("131024")).Select(l => l.Value));
        var month = new ReportingMonth(2024, 5);
        var rollup = RegionMonth.Empty(RegionPrefix.Parse("1310"), month)
            .With(Pollutant.SO2, new Totals(3, 3_000_000, 300))
            .With(Pollutant.SO2, new Totals(1, 1_000_000, 100))
            .With(Pollutant.NOx, new Totals(2, 500, 20));
        var so2 = new MarketId(RegionCode.Parse("131024"), Pollutant.SO2);
        var pending = new[]
        {
            new PendingCopy(so2, month, Copied: new Totals(4, 4_000_000, 400), Counter: new Totals(6, 6_000_000, 650)),
            new PendingCopy(new MarketId(RegionCode.Parse("131000"), Pollutant.NOx), month, Totals.Zero, Totals.Zero),
        };
        var now = RegionMonth.Current([rollup], pending);
        Assert.Equal(new Totals(8, 6_000_500, 670), now.Aggregate(Totals.Zero, (t, r) => t.Add(r.Totals)));
        Assert.Equal(new Totals(6, 6_000_000, 650), now.Where(r => r.Pollutant == Pollutant.SO2).Aggregate(Totals.Zero, (t, r) => t.Add(r.Totals)));
        Assert.Equal(new Totals(2, 2_000_000, 250), pending[0].Delta);
    }

    [Fact]
    public void A_month_report_narrows_to_its_region_and_writes_csv_for_excel()
    {
        var lines = new[]
        {
            (new MarketId(RegionCode.Parse("131024"), Pollutant.VOCs), new Totals(2, 8_074_000, 24_222_000)),
            (new MarketId(RegionCode.Parse("131000"), Pollutant.SO2), new Totals(1, 96_000_000, 18_672_000)),
            (new MarketId(RegionCode.Parse("130100"), Pollutant.SO2), new Totals(7, 1, 1)),
        };
        var report = MonthReport.Build(new ReportingMonth(2024, 6), RegionPrefix.Parse("1310"), lines);
        Assert.Equal(new Totals(3, 104_074_000, 42_894_000), report.Total);
        Assert.Equal(["131000", "131024"], report.Markets.Select(m => m.Market.Region.Value));
        var csv = report.ToCsv();
        Assert.StartsWith("\uFEFF月份 Month,地区代码 Region", csv);
        Assert.Contains("2024-06,131024,VOCs,2,8.074,242220.00\r\n", csv);
        Assert.EndsWith("2024-06,1310,合计 Total,3,104.074,428940.00\r\n", csv);
    }
}

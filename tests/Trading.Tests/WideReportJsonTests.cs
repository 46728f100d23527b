using Trading.Core.Primitives;
using Trading.Core.Reporting;
using Trading.Infra;

namespace Trading.Tests;

/// <summary>Wide sums in JSON: a plain integer, the same bytes as a long for normal values; a stored report above the long limit reads back exact.</summary>
public sealed class WideReportJsonTests
{
    [Fact]
    public void Wide_integers_are_written_as_plain_JSON_integers() =>
        Assert.Equal("""{"small":118,"wide":27670116110564327421,"negative":-9223372036854775809}""",
            TradingJson.Serialize(new { small = (Int128)118, wide = (Int128)long.MaxValue * 3, negative = (Int128)long.MinValue - 1 }));

    [Fact]
    public void A_report_with_lines_at_the_long_limit_round_trips_through_its_json()
    {
        var max = new Totals(long.MaxValue, long.MaxValue, long.MaxValue);
        var markets = new[] { "131000", "131024", "130100" }.Select(r => (new MarketId(RegionCode.Parse(r), Pollutant.SO2), max)).ToList();
        var report = MonthReport.Build(new ReportingMonth(2024, 1), RegionPrefix.All, markets);
        var json = TradingJson.Serialize(ReportJson.View(report));
        Assert.Contains("\"trades\":27670116110564327421,\"quantity\":27670116110564.327421,\"amount\":276701161105643274.21", json, StringComparison.Ordinal);
        var lines = ReportJson.Lines(json).ToList();
        Assert.Equal(3, lines.Count);
        Assert.All(lines, l => Assert.Equal(max, l.Item2));
        Assert.Equal(report.Total, MonthReport.Build(report.Month, RegionPrefix.All, lines).Total);
    }
}

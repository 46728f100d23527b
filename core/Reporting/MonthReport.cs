using System.Globalization;
using System.Text;
using Trading.Core.Primitives;

namespace Trading.Core.Reporting;

/// <summary>A closed month's report for a region prefix: totals, by pollutant, and one line per market.</summary>
public sealed record MonthReport(ReportingMonth Month, RegionPrefix Region, Totals Total, IReadOnlyList<(Pollutant Pollutant, Totals Totals)> ByPollutant,
    IReadOnlyList<(MarketId Market, Totals Totals)> Markets)
{
    /// <summary>Builds the report of <paramref name="region"/> from the market lines of a month (markets outside it are left out).</summary>
    public static MonthReport Build(ReportingMonth month, RegionPrefix region, IEnumerable<(MarketId Market, Totals Totals)> markets)
    {
        var lines = markets.Where(m => m.Market.Region.IsWithin(region))
            .OrderBy(m => m.Market.Region.Value, StringComparer.Ordinal).ThenBy(m => m.Market.Pollutant).ToList();
        var total = lines.Aggregate(Totals.Zero, (t, m) => t.Add(m.Totals));
        var byPollutant = lines.GroupBy(m => m.Market.Pollutant).OrderBy(g => g.Key)
            .Select(g => (g.Key, g.Aggregate(Totals.Zero, (t, m) => t.Add(m.Totals)))).ToList();
        return new MonthReport(month, region, total, byPollutant, lines);
    }

    /// <summary>
    /// CSV that Excel opens as UTF-8 (byte order mark, CRLF), with Chinese headers and their English names. Quantities in
    /// t/a with up to 6 decimals, amounts in CNY with 2.
    /// </summary>
    public string ToCsv()
    {
        var csv = new StringBuilder();
        csv.Append('\uFEFF');
        csv.Append("月份 Month,地区代码 Region,污染物 Pollutant,交易笔数 Trades,交易量（吨/年） Quantity (t/a),交易金额（元） Amount (CNY)\r\n");
        foreach (var (market, totals) in Markets)
            Line(csv, market.Region.Value, market.Pollutant.ToString(), totals);
        Line(csv, Region.Value.Length == 0 ? "全国 All" : Region.Value, "合计 Total", Total);
        return csv.ToString();
    }

    private void Line(StringBuilder csv, string region, string pollutant, Totals totals) =>
        csv.Append(CultureInfo.InvariantCulture, $"{Month},{region},{pollutant},{totals.Trades},{totals.Tonnes},{totals.Yuan:0.00}\r\n");
}

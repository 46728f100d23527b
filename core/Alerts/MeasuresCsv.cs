using System.Globalization;
using System.Text;
using Trading.Core.Primitives;

namespace Trading.Core.Alerts;

/// <summary>
/// The measures of an alert's firms as CSV that Excel opens as UTF-8 (byte order mark, CRLF), with Chinese headers and
/// their English names, as the monthly reports: one line per firm, emission cuts in t/day.
/// </summary>
public static class MeasuresCsv
{
    public const string Header = "统一社会信用代码 Credit code,企业名称 Name,行政区划 Region,行业 Industry,绩效等级 Grade,应急措施 Measure,依据 Why,"
        + "涉及工序 Processes,日产量上限 Daily output cap,日减产量 Daily output cut,单位 Unit,限产比例（%） Cut (%),"
        + "SO2减排（吨/日） SO2 cut (t/day),NOx减排（吨/日） NOx cut (t/day),PM减排（吨/日） PM cut (t/day),VOCs减排（吨/日） VOCs cut (t/day)";

    public static string Of(IEnumerable<AlertNotice> rows)
    {
        var csv = new StringBuilder();
        csv.Append('\uFEFF').Append(Header).Append("\r\n");
        foreach (var r in rows)
        {
            var m = r.Measure;
            string[] cells =
            [
                r.Firm.CreditCode.Value, r.Firm.Name, r.Firm.Region.Value, r.Firm.Industry.ToString(), EmergencyRules.GradeName(m.GradeInForce),
                Label(m.Measure), m.Why, m.Processes ?? "", Number(m.DailyOutputCap), Number(m.DailyOutputCut), m.Unit ?? "", Number(m.CutPct),
                .. AlertSummary.Reported.Select(p => m.Cuts.TryGetValue(p, out var q) ? q.Tonnes.ToString(CultureInfo.InvariantCulture) : "0"),
            ];
            csv.AppendJoin(',', cells.Select(Cell)).Append("\r\n");
        }
        return csv.ToString();
    }

    /// <summary>The measure as a bureau writes it: 自主减排, 不限产, 限产, 停产, 未制定措施.</summary>
    public static string Label(Measure measure) => measure switch
    {
        Measure.Self => "自主减排",
        Measure.None => "不限产",
        Measure.Limit => "限产",
        Measure.Stop => "停产",
        _ => "未制定措施",
    };

    private static string Number(decimal? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "";

    /// <summary>A cell quoted when it holds a comma, quote or line break; one that Excel would read as a formula starts with a quote mark.</summary>
    private static string Cell(string text)
    {
        if (text.Length > 0 && text[0] is '=' or '+' or '-' or '@') text = "'" + text;
        return text.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : text;
    }
}

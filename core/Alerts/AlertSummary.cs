using System.Globalization;
using System.Text;
using Trading.Core.Primitives;

namespace Trading.Core.Alerts;

/// <summary>
/// What officials publish of an alert: how many firms of its region take each measure and the emissions saved per day
/// (summed exactly in grams), with the sentence (api.md): "橙色预警：涉及企业N家，其中自主减排a家、限产b家、停产c家、
/// 未制定措施d家；预计每日减排VOCs x吨".
/// </summary>
public sealed record AlertSummary(AlertLevel Level, int Firms, IReadOnlyDictionary<Measure, int> ByMeasure, IReadOnlyDictionary<Pollutant, Quantity> EmissionCuts)
{
    /// <summary>The pollutants whose daily cuts a summary reports (the air pollutants of an alert).</summary>
    public static IReadOnlyList<Pollutant> Reported { get; } = [Pollutant.SO2, Pollutant.NOx, Pollutant.PM, Pollutant.VOCs];

    public static AlertSummary Of(AlertLevel level, IEnumerable<FirmMeasure> measures)
    {
        var counts = Enum.GetValues<Measure>().ToDictionary(m => m, _ => 0);
        var grams = Reported.ToDictionary(p => p, _ => 0L);
        var firms = 0;
        foreach (var m in measures)
        {
            firms++;
            counts[m.Measure]++;
            foreach (var (pollutant, cut) in m.Cuts)
                grams[pollutant] = checked((grams.TryGetValue(pollutant, out var g) ? g : 0) + cut.Grams);
        }
        return new AlertSummary(level, firms, counts, grams.ToDictionary(g => g.Key, g => Quantity.FromGrams(g.Value)));
    }

    public string Sentence
    {
        get
        {
            var text = new StringBuilder(string.Create(CultureInfo.InvariantCulture, $"{EmergencyRules.LevelName(Level)}：涉及企业{Firms}家，其中自主减排{ByMeasure[Measure.Self]}家、"))
                .Append(CultureInfo.InvariantCulture, $"限产{ByMeasure[Measure.Limit]}家、停产{ByMeasure[Measure.Stop]}家、未制定措施{ByMeasure[Measure.NoPlan]}家；预计每日减排");
            var cuts = EmissionCuts.Where(c => c.Value.Grams > 0).OrderBy(c => c.Key).ToList();
            if (cuts.Count == 0) return text.Append("0吨").ToString();
            return text.AppendJoin("、", cuts.Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.Key} {c.Value.Tonnes}吨"))).ToString();
        }
    }
}

using Trading.Core.Primitives;

namespace Trading.Core.Reporting;

/// <summary>
/// The figures of one region prefix (the country, a province, a city or a county) in one month, per pollutant: the sum
/// of the month counters of every market under the prefix, as far as they have been copied into it. Read in one query
/// whatever the number of markets; <see cref="Current"/> adds what is not copied yet.
/// </summary>
public sealed record RegionMonth(RegionPrefix Region, ReportingMonth Month, IReadOnlyDictionary<Pollutant, Totals> ByPollutant)
{
    public static RegionMonth Empty(RegionPrefix region, ReportingMonth month) => new(region, month, new Dictionary<Pollutant, Totals>());

    /// <summary>The prefixes a market's figures are copied into: the country, its province, its city and its county.</summary>
    public static IReadOnlyList<RegionPrefix> LevelsOf(RegionCode region) =>
        [RegionPrefix.All, RegionPrefix.Parse(region.Value[..2]), RegionPrefix.Parse(region.Value[..4]), RegionPrefix.Parse(region.Value)];

    public Totals Of(Pollutant pollutant) => ByPollutant.GetValueOrDefault(pollutant);

    /// <summary>With <paramref name="delta"/> added to one pollutant (exact; a sum beyond 64 bits throws).</summary>
    public RegionMonth With(Pollutant pollutant, Totals delta)
    {
        var next = new Dictionary<Pollutant, Totals>(ByPollutant) { [pollutant] = Of(pollutant).Add(delta) };
        return this with { ByPollutant = next };
    }

    public IEnumerable<PollutantMonth> Rows() =>
        ByPollutant.Where(p => p.Value != Totals.Zero).Select(p => new PollutantMonth(p.Key, Month, p.Value));

    /// <summary>
    /// A region's figures now: its rollup rows, plus for every market-month whose counter changed and is not copied yet
    /// (it has a pending mark) the difference between its counter and what the rollup holds of it.
    /// </summary>
    public static IReadOnlyList<PollutantMonth> Current(IEnumerable<RegionMonth> rollups, IEnumerable<PendingCopy> pending)
    {
        var rows = rollups.SelectMany(r => r.Rows()).ToList();
        rows.AddRange(pending.Where(p => p.Delta != Totals.Zero).Select(p => new PollutantMonth(p.Market.Pollutant, p.Month, p.Delta)));
        return rows;
    }
}

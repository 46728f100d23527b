using Trading.Core.Primitives;
using Trading.Core.Writes;

namespace Trading.Core.Alerts;

/// <summary>
/// A firm's emergency plan (应急减排方案, 一厂一策) as the bureau recorded it: whether it is on the guarantee list
/// (保障性清单) and its measure per level (a level without one falls to the industry rule). Kept in the plans book under the
/// firm's region (so the plans of a region are read in bulk), one row per firm.
/// </summary>
public sealed record EmergencyPlan(CreditCode Firm, RegionCode Region, bool GuaranteeList, PlanLevel? Yellow, PlanLevel? Orange, PlanLevel? Red,
    DateTimeOffset UpdatedAt, string UpdatedBy) : IRow
{
    public PlanLevel? At(AlertLevel level) => level switch
    {
        AlertLevel.Yellow => Yellow,
        AlertLevel.Orange => Orange,
        _ => Red,
    };

    /// <summary>Every field a client sets (not who or when).</summary>
    public bool SameAs(EmergencyPlan other) =>
        Firm == other.Firm && Region == other.Region && GuaranteeList == other.GuaranteeList
        && Same(Yellow, other.Yellow) && Same(Orange, other.Orange) && Same(Red, other.Red);

    private static bool Same(PlanLevel? a, PlanLevel? b) =>
        a is null || b is null ? a is null && b is null
        : a.Measure == b.Measure && a.Processes == b.Processes && a.DailyOutputCap == b.DailyOutputCap && a.DailyOutputCut == b.DailyOutputCut
          && a.Unit == b.Unit && a.EmissionCuts.Count == b.EmissionCuts.Count
          && a.EmissionCuts.All(c => b.EmissionCuts.TryGetValue(c.Key, out var q) && q == c.Value);

    public TResult Accept<TResult>(IRowVisitor<TResult> visitor) => visitor.Visit(this);
}

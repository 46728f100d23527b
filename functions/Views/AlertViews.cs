using Trading.Core.Alerts;
using Trading.Core.Primitives;

namespace Trading.Functions;

/// <summary>Wire shapes of heavy-pollution alerts, plans and rules (emission cuts in t/day, by pollutant).</summary>
public static class AlertViews
{
    public static AlertView Alert(Alert a, DateTimeOffset now) => new(
        a.Id, a.Region.Value, MeasureNames.Of(a.Level), MeasureNames.Of(a.StatusAt(now)), Timestamps.Format(a.StartsAt), Timestamps.Format(a.EndsAt),
        a.Reason, a.DeclaredBy, Timestamps.Format(a.DeclaredAt), a.Lifted, a.LiftedAt is { } l ? Timestamps.Format(l) : null, a.LiftedBy,
        new AlertNoticesView(a.Notices.DeclaredSent, a.Notices.DeclaredDone, a.Notices.LiftedSent, a.Notices.LiftedDone));

    public static FirmMeasureView Firm(AlertNotice n) => new(
        n.Firm.CreditCode.Value, n.Firm.Name, n.Firm.Region.Value, n.Firm.Industry.ToString(), n.Measure.GradeInForce.ToString(),
        MeasureNames.Of(n.Measure.Measure), n.Measure.Why, n.Measure.Processes, n.Measure.DailyOutputCap, n.Measure.DailyOutputCut, n.Measure.Unit,
        n.Measure.CutPct, Cuts(n.Measure.Cuts));

    public static EnterpriseMeasureView Enterprise(AlertNotice n, DateTimeOffset now) => new(
        Alert(n.Alert, now), n.Follows, n.Firm.CreditCode.Value, MeasureNames.Of(n.Measure.Level), MeasureNames.Of(n.Measure.Measure), n.Measure.Why,
        n.Measure.Processes, n.Measure.DailyOutputCap, n.Measure.DailyOutputCut, n.Measure.Unit, n.Measure.CutPct, Cuts(n.Measure.Cuts));

    public static AlertSummaryView Summary(Alert a, AlertSummary s, DateTimeOffset now) => new(
        a.Id, a.Region.Value, MeasureNames.Of(a.Level), MeasureNames.Of(a.StatusAt(now)), s.Firms,
        new MeasureCountsView(s.ByMeasure[Measure.Self], s.ByMeasure[Measure.None], s.ByMeasure[Measure.Limit], s.ByMeasure[Measure.Stop], s.ByMeasure[Measure.NoPlan]),
        AlertSummary.Reported.ToDictionary(p => p.ToString(), p => s.EmissionCuts[p].Tonnes),
        s.Sentence);

    public static EmergencyPlanView Plan(EmergencyPlan p) => new(
        p.Firm.Value, p.Region.Value, p.GuaranteeList, Level(p.Yellow), Level(p.Orange), Level(p.Red), Timestamps.Format(p.UpdatedAt), p.UpdatedBy);

    public static IndustryRulesView Rules(RegionPrefix prefix, IndustryRuleSet? s) => new(
        prefix.Value,
        s?.Rules.Select(r => new IndustryRuleView(r.Industry.ToString(), r.Grade.ToString(), Rule(r.Yellow), Rule(r.Orange), Rule(r.Red))).ToList() ?? [],
        s is null ? null : Timestamps.Format(s.UpdatedAt), s?.UpdatedBy);

    private static PlanLevelView? Level(PlanLevel? l) =>
        l is null ? null : new(MeasureNames.Of(l.Measure), l.Processes, l.DailyOutputCap, l.DailyOutputCut, l.Unit, Cuts(l.EmissionCuts));

    private static RuleLevelView? Rule(RuleLevel? r) => r is null ? null : new(MeasureNames.Of(r.Measure), r.CutPct);

    private static IReadOnlyDictionary<string, decimal> Cuts(IReadOnlyDictionary<Pollutant, Quantity> cuts) =>
        cuts.OrderBy(c => c.Key).ToDictionary(c => c.Key.ToString(), c => c.Value.Tonnes);
}

using Trading.Core.Alerts;
using Trading.Core.Enterprises;
using Trading.Core.Primitives;

namespace Trading.Core.Tests;

/// <summary>
/// The rule of which measure a firm takes under an alert (domain.md, Heavy-pollution alerts), every case at every level:
/// A, A+ and Leading in force (self) and expired (ungraded); the guarantee list with and without a plan; the firm's own
/// plan; the industry rule of the longest prefix; no plan. And the highest level in force among overlapping alerts.
/// </summary>
public sealed class EmergencyRuleTests
{
    private static readonly DateOnly Today = new(2026, 12, 5);
    private static readonly DateTimeOffset Now = new(2026, 12, 5, 10, 0, 0, TimeSpan.FromHours(8));
    private static readonly CreditCode Code = CreditCode.FromBody("91131024MA0000001");

    public static TheoryData<AlertLevel> Levels => [AlertLevel.Yellow, AlertLevel.Orange, AlertLevel.Red];

    private static Enterprise Firm(PerformanceGrade grade, DateOnly? validUntil = null, Industry industry = Industry.IndustrialCoating, string region = "131024") =>
        new(Code, "甲公司", RegionCode.Parse(region), industry, grade, grade == PerformanceGrade.Ungraded ? null : validUntil ?? new DateOnly(2027, 12, 31), false,
            CreditRating.Blue, Now);

    private static readonly Dictionary<Pollutant, Quantity> Cut = new() { [Pollutant.VOCs] = Quantity.FromGrams(50_000) };

    /// <summary>Seed 000's plan: yellow none, orange 9,200 parts a day (a cut of 6,400), red stops the spray line.</summary>
    private static EmergencyPlan SeedPlan(bool guarantee = false, bool full = true) => new(Code, RegionCode.Parse("131024"), guarantee,
        full ? new PlanLevel(Measure.None, null, null, null, null, new Dictionary<Pollutant, Quantity>()) : null,
        full ? new PlanLevel(Measure.Limit, "喷涂生产线", 9200, 6400, "件", Cut) : null,
        full ? new PlanLevel(Measure.Stop, "喷涂生产线", null, null, null, Cut) : null, Now, "official:1310");

    private static IndustryRuleSet Rules(string prefix, Industry industry, PerformanceGrade grade, RuleLevel yellow, RuleLevel orange, RuleLevel red) =>
        new(RegionPrefix.Parse(prefix), [new IndustryRule(industry, grade, yellow, orange, red)], Now, "admin");

    private static readonly IndustryRuleSet Hebei = Rules("13", Industry.IndustrialCoating, PerformanceGrade.B,
        new RuleLevel(Measure.None, null), new RuleLevel(Measure.Limit, 50), new RuleLevel(Measure.Stop, null));

    private static readonly IndustryRuleSet Langfang = Rules("1310", Industry.IndustrialCoating, PerformanceGrade.B,
        new RuleLevel(Measure.Limit, 10), new RuleLevel(Measure.Limit, 20), new RuleLevel(Measure.Stop, null));

    private static readonly IndustryRuleSet Ungraded = Rules("1310", Industry.IndustrialCoating, PerformanceGrade.Ungraded,
        new RuleLevel(Measure.Limit, 30), new RuleLevel(Measure.Limit, 40), new RuleLevel(Measure.Stop, null));

    [Theory]
    [MemberData(nameof(Levels))]
    public void A_firm_graded_A_A_plus_or_Leading_in_force_reduces_on_its_own_whatever_its_plan_or_rule(AlertLevel level)
    {
        foreach (var grade in new[] { PerformanceGrade.A, PerformanceGrade.APlus, PerformanceGrade.Leading })
        {
            var m = EmergencyRules.MeasureOf(Firm(grade), SeedPlan(), [Hebei, Langfang], level, Today);
            Assert.Equal(Measure.Self, m.Measure);
            Assert.Contains("不停产、不限产", m.Why);
            Assert.Empty(m.Cuts);
            Assert.Equal(grade, m.GradeInForce);
        }
    }

    [Theory]
    [MemberData(nameof(Levels))]
    public void An_expired_A_A_plus_or_Leading_counts_as_ungraded_and_takes_the_ungraded_rule_or_its_plan(AlertLevel level)
    {
        foreach (var grade in new[] { PerformanceGrade.A, PerformanceGrade.APlus, PerformanceGrade.Leading })
        {
            var expired = Firm(grade, validUntil: Today.AddDays(-1));
            var byRule = EmergencyRules.MeasureOf(expired, null, [Hebei, Langfang, Ungraded], level, Today);
            Assert.Equal(PerformanceGrade.Ungraded, byRule.GradeInForce);
            Assert.Equal(level == AlertLevel.Red ? Measure.Stop : Measure.Limit, byRule.Measure);
            Assert.Equal(level switch { AlertLevel.Yellow => 30m, AlertLevel.Orange => 40m, _ => null }, byRule.CutPct);
            Assert.Contains("过期", byRule.Why);
            Assert.Equal(Measure.NoPlan, EmergencyRules.MeasureOf(expired, null, [Hebei, Langfang], level, Today).Measure);
            Assert.Equal(SeedPlan().At(level)!.Measure, EmergencyRules.MeasureOf(expired, SeedPlan(), [Ungraded], level, Today).Measure);
            // Valid through its last day.
            Assert.Equal(Measure.Self, EmergencyRules.MeasureOf(Firm(grade, validUntil: Today), null, [], level, Today).Measure);
        }
    }

    [Theory]
    [MemberData(nameof(Levels))]
    public void A_guarantee_list_firm_takes_its_plan_when_it_has_one_for_the_level_else_self(AlertLevel level)
    {
        var firm = Firm(PerformanceGrade.B);
        var withPlan = EmergencyRules.MeasureOf(firm, SeedPlan(guarantee: true), [Langfang], level, Today);
        Assert.Equal(SeedPlan().At(level)!.Measure, withPlan.Measure);
        Assert.Contains("保障性清单", withPlan.Why);
        var without = EmergencyRules.MeasureOf(firm, SeedPlan(guarantee: true, full: false), [Langfang], level, Today);
        Assert.Equal(Measure.Self, without.Measure);
        Assert.Contains("不限产或少限产", without.Why);
    }

    [Theory]
    [MemberData(nameof(Levels))]
    public void A_firm_with_its_own_plan_takes_it_before_any_industry_rule(AlertLevel level)
    {
        var m = EmergencyRules.MeasureOf(Firm(PerformanceGrade.B), SeedPlan(), [Hebei, Langfang], level, Today);
        var plan = SeedPlan().At(level)!;
        Assert.Equal(plan.Measure, m.Measure);
        Assert.Equal(plan.DailyOutputCap, m.DailyOutputCap);
        Assert.Equal(plan.EmissionCuts, m.Cuts);
        Assert.Contains("一厂一策", m.Why);
        if (level == AlertLevel.Orange)
        {
            Assert.Equal((9200m, 6400m, "件", "喷涂生产线"), (m.DailyOutputCap!.Value, m.DailyOutputCut!.Value, m.Unit, m.Processes));
            Assert.Contains("每日9,200件（减少6,400件）", m.Why);
        }
    }

    [Theory]
    [MemberData(nameof(Levels))]
    public void Without_a_plan_for_the_level_the_rule_of_the_longest_prefix_for_its_industry_and_grade_applies(AlertLevel level)
    {
        var firm = Firm(PerformanceGrade.B);
        var langfang = EmergencyRules.MeasureOf(firm, SeedPlan(full: false), [Hebei, Langfang], level, Today);
        Assert.Equal(Langfang.Rules[0].At(level), new RuleLevel(langfang.Measure, langfang.CutPct));
        Assert.Contains("1310地区", langfang.Why);
        // Order of the rule sets does not matter; a longer prefix without a rule for this industry and grade is passed over.
        var cementXianghe = Rules("131024", Industry.Cement, PerformanceGrade.B, new RuleLevel(Measure.Stop, null), new RuleLevel(Measure.Stop, null), new RuleLevel(Measure.Stop, null));
        Assert.Equal(langfang, EmergencyRules.MeasureOf(firm, null, [cementXianghe, Langfang, Hebei], level, Today));
        var hebei = EmergencyRules.MeasureOf(firm, null, [Hebei, cementXianghe], level, Today);
        Assert.Equal(Hebei.Rules[0].At(level), new RuleLevel(hebei.Measure, hebei.CutPct));
        // A rule of another area does not apply.
        Assert.Equal(Measure.NoPlan, EmergencyRules.MeasureOf(Firm(PerformanceGrade.B, region: "120101"), null, [Hebei, Langfang], level, Today).Measure);
    }

    [Theory]
    [MemberData(nameof(Levels))]
    public void Without_a_plan_or_a_rule_the_firm_has_no_plan(AlertLevel level)
    {
        foreach (var grade in new[] { PerformanceGrade.B, PerformanceGrade.BMinus, PerformanceGrade.C, PerformanceGrade.D, PerformanceGrade.Ungraded })
        {
            var m = EmergencyRules.MeasureOf(Firm(grade, industry: Industry.Furniture), null, [Hebei, Langfang], level, Today);
            Assert.Equal(Measure.NoPlan, m.Measure);
            Assert.Contains("需生态环境局制定", m.Why);
        }
    }

    [Fact]
    public void A_firm_follows_the_highest_level_in_force_over_its_region_among_overlapping_alerts()
    {
        Alert A(string region, long n, AlertLevel level, int startHours, int endHours, bool lifted = false) => new(RegionPrefix.Parse(region), n, level,
            Now.AddHours(startHours), Now.AddHours(endHours), "test", "admin", Now.AddDays(-1), lifted ? Now.AddMinutes(-1) : null, lifted ? "admin" : null, AlertNotices.None);
        var region = RegionCode.Parse("131024");
        var yellowCity = A("1310", 1, AlertLevel.Yellow, -2, 10);
        var orangeProvince = A("13", 1, AlertLevel.Orange, -1, 10);
        var redLater = A("1310", 2, AlertLevel.Red, 1, 10);
        var redLifted = A("131024", 1, AlertLevel.Red, -1, 10, lifted: true);
        var redElsewhere = A("1311", 1, AlertLevel.Red, -1, 10);
        var redEnded = A("1310", 3, AlertLevel.Red, -5, -1);
        Assert.Same(orangeProvince, EmergencyRules.InForce([yellowCity, orangeProvince, redLater, redLifted, redElsewhere, redEnded], region, Now));
        Assert.Same(yellowCity, EmergencyRules.InForce([yellowCity, redLater, redElsewhere], region, Now));
        Assert.Same(redLater, EmergencyRules.InForce([yellowCity, orangeProvince, redLater], region, Now.AddHours(2)));
        Assert.Null(EmergencyRules.InForce([redLater, redLifted, redElsewhere, redEnded], region, Now));
        Assert.Equal(AlertStatus.Scheduled, redLater.StatusAt(Now));
        Assert.Equal(AlertStatus.Ended, redLifted.StatusAt(Now));
        Assert.Equal(AlertStatus.Ended, redEnded.StatusAt(Now));
    }

    [Fact]
    public void A_grade_raised_to_A_during_an_alert_changes_the_measure_at_once()
    {
        var b = Firm(PerformanceGrade.B);
        Assert.Equal(Measure.Limit, EmergencyRules.MeasureOf(b, SeedPlan(), [], AlertLevel.Orange, Today).Measure);
        Assert.Equal(Measure.Self, EmergencyRules.MeasureOf(b with { Grade = PerformanceGrade.A }, SeedPlan(), [], AlertLevel.Orange, Today).Measure);
    }

    [Fact]
    public void Alert_ids_name_the_region_and_number_and_nothing_else_parses()
    {
        Assert.Equal("1310-A7", Alert.IdOf(RegionPrefix.Parse("1310"), 7));
        Assert.True(Alert.TryParseId("131024-A12", out var region, out var number));
        Assert.Equal(("131024", 12L), (region.Value, number));
        foreach (var bad in new[] { "1310-A0", "1310-A07", "1310-A", "131-A1", "1310A1", "1310-B1", "-A1", "1310-A1x", "1310-A+1", "" })
            Assert.False(Alert.TryParseId(bad, out _, out _), bad);
    }
}

using Trading.Core.Access;
using Trading.Core.Alerts;
using Trading.Core.Enterprises;
using Trading.Core.Primitives;
using Trading.Core.Tests.Support;

namespace Trading.Core.Tests;

/// <summary>
/// The alert use cases through the real write shell on an in-memory register: declaring (scope, window, idempotency,
/// numbering), lifting (idempotent by state, 409 once ended), plans and rules (scope, an identical PUT writes nothing),
/// and the notification steps (exactly once: a step whose cursor moved writes nothing; at most 90 events per step).
/// </summary>
public sealed class AlertUseCaseTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 5, 10, 0, 0, TimeSpan.FromHours(8));
    private static readonly Principal Langfang = Principal.Official(RegionPrefix.Parse("1310"));
    private static readonly Principal Tangshan = Principal.Official(RegionPrefix.Parse("1302"));

    private static InMemoryRegister<Alert> Alerts() => new("alerts", r => r is Alert a ? (a.RowId, a) : null);

    private static AlertRequest Request(string region = "1310", int hours = 48, int startHours = -1) =>
        new(RegionPrefix.Parse(region), AlertLevel.Orange, Now.AddHours(startHours), Now.AddHours(startHours + hours), "重污染天气过程");

    [Fact]
    public void Declaring_numbers_alerts_per_region_replays_under_its_key_and_refuses_bad_windows_and_other_regions()
    {
        var alerts = Alerts();
        var first = alerts.Run(new DeclareAlert(Request()), Langfang, "k1", Now);
        var again = alerts.Run(new DeclareAlert(Request()), Langfang, "k1", Now);
        var second = alerts.Run(new DeclareAlert(Request(hours: 24)), Langfang, "k2", Now);
        Assert.Equal("1310-A1", first.ResourceId);
        Assert.True(again.Replayed);
        Assert.Equal("1310-A2", second.ResourceId);
        Assert.Equal(2, alerts.Items("1310").Count());
        Assert.Equal(2, alerts.Audit("1310").Count());
        Assert.Throws<RuleViolationException>(() => alerts.Run(new DeclareAlert(Request(hours: 24)), Langfang, "k1", Now));
        Assert.Throws<RuleViolationException>(() => alerts.Run(new DeclareAlert(Request(hours: 24 * 30 + 1)), Langfang, "k3", Now));
        Assert.Throws<RuleViolationException>(() => alerts.Run(new DeclareAlert(Request(hours: 0)), Langfang, "k4", Now));
        Assert.Throws<RuleViolationException>(() => alerts.Run(new DeclareAlert(Request(hours: 2, startHours: -3)), Langfang, "k5", Now));
        Assert.Throws<ForbiddenException>(() => alerts.Run(new DeclareAlert(Request("13")), Langfang, "k6", Now));
        Assert.Throws<ForbiddenException>(() => alerts.Run(new DeclareAlert(Request()), Tangshan, "k7", Now));
        Assert.Throws<ForbiddenException>(() => alerts.Run(new DeclareAlert(Request()), Principal.Enterprise(CreditCode.FromBody("91131024MA0000001")), "k8", Now));
        Assert.NotNull(alerts.Run(new DeclareAlert(Request(hours: 24 * 30)), Langfang, "k9", Now).Answer);
    }

    [Fact]
    public void Lifting_is_idempotent_by_state_and_an_alert_ended_by_its_window_is_a_conflict()
    {
        var alerts = Alerts();
        alerts.Run(new DeclareAlert(Request(hours: 2)), Langfang, "k1", Now);
        Assert.Throws<NotFoundException>(() => alerts.Run(new LiftAlert(RegionPrefix.Parse("1310"), 1), Tangshan, null, Now));
        var lifted = alerts.Run(new LiftAlert(RegionPrefix.Parse("1310"), 1), Langfang, null, Now).Answer!;
        Assert.Equal(AlertStatus.Ended, lifted.StatusAt(Now));
        var commits = alerts.Commits.Count;
        Assert.Equal(lifted, alerts.Run(new LiftAlert(RegionPrefix.Parse("1310"), 1), Langfang, null, Now.AddHours(5)).Answer);
        Assert.Equal(commits, alerts.Commits.Count);

        alerts.Run(new DeclareAlert(Request(hours: 2)), Langfang, "k2", Now);
        var conflict = Assert.Throws<ConflictException>(() => alerts.Run(new LiftAlert(RegionPrefix.Parse("1310"), 2), Langfang, null, Now.AddHours(2)));
        Assert.Equal("ended", conflict.Extensions["state"]);
        Assert.Throws<NotFoundException>(() => alerts.Run(new LiftAlert(RegionPrefix.Parse("1310"), 3), Langfang, null, Now));
    }

    [Fact]
    public void Each_step_tells_its_firms_once_and_a_step_whose_cursor_moved_writes_nothing()
    {
        var alerts = Alerts();
        alerts.Run(new DeclareAlert(Request()), Langfang, "k1", Now);
        var firms = Enumerable.Range(0, 95).Select(n => new Enterprise(CreditCode.FromBody("911310" + n.ToString("D11")), "F", RegionCode.Parse("131024"),
            Industry.Cement, PerformanceGrade.B, new DateOnly(2027, 1, 1), false, CreditRating.Green, Now)).ToList();
        var measure = new FirmMeasure(AlertLevel.Orange, Measure.NoPlan, "", PerformanceGrade.B);
        var region = RegionPrefix.Parse("1310");
        NotifyAlert Step(bool lifted, string? after, IEnumerable<Enterprise> batch, bool last)
        {
            var list = batch.Select(f => (f, measure)).ToList();
            return new NotifyAlert(region, 1, lifted, after, list, list.Count == 0 ? null : "131024|" + list[^1].f.CreditCode.Value, last);
        }

        Assert.Throws<ForbiddenException>(() => alerts.Run(Step(false, null, firms.Take(90), false), Langfang, null, Now));
        Assert.Throws<InvalidOperationException>(() => alerts.Run(Step(false, null, firms, false), Principal.Admin, null, Now));
        alerts.Run(Step(false, null, firms.Take(90), false), Principal.Admin, null, Now);
        var cursor = "131024|" + firms[89].CreditCode.Value;
        // The same step again (a second run that read the old cursor) writes nothing.
        var commits = alerts.Commits.Count;
        alerts.Run(Step(false, null, firms.Take(90), false), Principal.Admin, null, Now);
        Assert.Equal(commits, alerts.Commits.Count);
        // The lifted phase waits for the declared one, and for the lift.
        alerts.Run(Step(true, null, firms.Take(5), false), Principal.Admin, null, Now);
        Assert.Equal(commits, alerts.Commits.Count);
        alerts.Run(Step(false, cursor, firms.Skip(90), true), Principal.Admin, null, Now);
        var alert = alerts.Items("1310").Single();
        Assert.Equal((95L, true, cursor[..7] + firms[94].CreditCode.Value), (alert.Notices.DeclaredSent, alert.Notices.DeclaredDone, alert.Notices.DeclaredAfter!));
        var events = alerts.Commits.SelectMany(c => c).Select(c => c.Row).OfType<Writes.EventRecord>().ToList();
        Assert.Equal(95, events.Count);
        Assert.Equal(95, events.Select(e => e.Recipient).Distinct().Count());
        Assert.All(events, e => Assert.Equal("alert.declared", e.Type));
        Assert.True(alerts.Commits.Max(c => c.Count) <= 100);

        alerts.Run(new LiftAlert(region, 1), Langfang, null, Now);
        alerts.Run(Step(true, null, firms, false) with { Firms = [.. firms.Take(90).Select(f => (f, measure))] }, Principal.Admin, null, Now);
        Assert.Equal(90, alerts.Items("1310").Single().Notices.LiftedSent);
        Assert.Equal(90, alerts.Commits.SelectMany(c => c).Select(c => c.Row).OfType<Writes.EventRecord>().Count(e => e.Type == "alert.lifted"));
    }

    [Fact]
    public void Plans_and_rules_are_kept_by_officials_in_scope_and_an_identical_put_writes_nothing()
    {
        var plans = new InMemoryRegister<EmergencyPlan>("plans", r => r is EmergencyPlan p ? (p.Firm.Value, p) : null);
        var code = CreditCode.FromBody("91131024MA0000001");
        var plan = new EmergencyPlan(code, RegionCode.Parse("131024"), false, null,
            new PlanLevel(Measure.Limit, "喷涂生产线", 9200, 6400, "件", new Dictionary<Pollutant, Quantity> { [Pollutant.VOCs] = Quantity.FromGrams(50_000) }), null, Now, "official:1310");
        Assert.True(plans.Run(new PutEmergencyPlan(plan), Langfang, null, Now).Answer!.Created);
        Assert.False(plans.Run(new PutEmergencyPlan(plan with { UpdatedAt = Now.AddHours(1) }), Langfang, null, Now).Answer!.Created);
        Assert.Single(plans.Audit("131024"));
        Assert.Throws<ForbiddenException>(() => plans.Run(new PutEmergencyPlan(plan with { GuaranteeList = true }), Tangshan, null, Now));
        Assert.Throws<ForbiddenException>(() => plans.Run(new PutEmergencyPlan(plan), Principal.Enterprise(code), null, Now));
        plans.Run(new PutEmergencyPlan(plan with { GuaranteeList = true }), Principal.Admin, null, Now);
        Assert.True(plans.Items("131024").Single().GuaranteeList);

        var rules = new InMemoryRegister<IndustryRuleSet>("rules", r => r is IndustryRuleSet s ? (IndustryRuleSet.RowId, s) : null);
        var set = new IndustryRuleSet(RegionPrefix.Parse("1310"), [new IndustryRule(Industry.Cement, PerformanceGrade.B, new RuleLevel(Measure.None, null),
            new RuleLevel(Measure.Limit, 20), new RuleLevel(Measure.Stop, null))], Now, "official:1310");
        Assert.True(rules.Run(new PutIndustryRules(set), Langfang, null, Now).Answer!.Created);
        rules.Run(new PutIndustryRules(set with { UpdatedAt = Now.AddDays(1) }), Langfang, null, Now);
        Assert.Single(rules.Audit("1310"));
        Assert.Throws<ForbiddenException>(() => rules.Run(new PutIndustryRules(set with { Prefix = RegionPrefix.Parse("13") }), Langfang, null, Now));
        rules.Run(new PutIndustryRules(set with { Rules = [] }), Langfang, null, Now);
        Assert.Empty(rules.Items("1310").Single().Rules);
    }
}

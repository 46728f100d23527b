using Trading.Core.Access;
using Trading.Core.Alerts;
using Trading.Core.Enterprises;
using Trading.Core.Primitives;
using Trading.Infra;

namespace Trading.Functions.Hosting;

/// <summary>
/// The demo data's heavy-pollution alert (issue 18): an orange alert over Langfang (1310) in force from two hours before
/// loading for 30 days, the seed-000 firm (B, industrial coating, Xianghe 131024: orange, its spray line limited to 9,200
/// parts a day, a cut of 6,400; red, the spray line stops), an A-grade coating firm, two guarantee-list firms (one with a
/// plan, one without), cement firms under Langfang's industry rules and a furniture firm with neither (noPlan). Six firms
/// of their own, so the plan's trade figures stay as they are; the 30 Langfang firms of the plan are in the alert's region
/// too (A and Leading: self; those of a rule's industry and grade: the rule; the others: noPlan).
/// </summary>
public static class DemoAlerts
{
    /// <summary>The published key of the seed-000 firm.</summary>
    public const string Seed000Key = "demo-enterprise-000";

    public static readonly CreditCode Seed000 = CreditCode.FromBody("91131024MA0AL0001");

    private static Enterprise Firm(string body, string name, string region, Industry industry, PerformanceGrade grade, DateTimeOffset now) =>
        new(CreditCode.FromBody(body), name, RegionCode.Parse(region), industry, grade, grade == PerformanceGrade.Ungraded ? null : new DateOnly(2027, 12, 31),
            true, CreditRating.Blue, now);

    private static Dictionary<Pollutant, Quantity> Tonnes(Pollutant pollutant, decimal tonnes) =>
        new() { [pollutant] = Quantity.TryFromTonnes(tonnes, out var q, out _) ? q : throw new InvalidOperationException() };

    private static RuleLevel None => new(Measure.None, null);
    private static RuleLevel Stop => new(Measure.Stop, null);
    private static RuleLevel Limit(decimal pct) => new(Measure.Limit, pct);

    public static async Task SeedAsync(IServiceProvider services, DateTimeOffset now, CancellationToken ct)
    {
        var enterprises = services.GetRequiredService<IEnterpriseStore>();
        var alerts = services.GetRequiredService<AlertStore>();
        var seed000 = Firm("91131024MA0AL0001", "香河县恒泰工业涂装有限公司", "131024", Industry.IndustrialCoating, PerformanceGrade.B, now);
        var gradeA = Firm("91131024MA0AL0002", "香河县绿源涂装科技有限公司", "131024", Industry.IndustrialCoating, PerformanceGrade.A, now);
        var guaranteePlan = Firm("91131082MA0AL0003", "三河市民生玻璃制品有限公司", "131082", Industry.Glass, PerformanceGrade.B, now);
        var guarantee = Firm("91131022MA0AL0004", "固安县城市供热有限公司", "131022", Industry.Other, PerformanceGrade.Ungraded, now);
        var cementB = Firm("91131025MA0AL0005", "大城县冀东水泥有限公司", "131025", Industry.Cement, PerformanceGrade.B, now);
        var cementC = Firm("91131026MA0AL0006", "文安县鑫源水泥有限公司", "131026", Industry.Cement, PerformanceGrade.C, now);
        var bare = Firm("91131081MA0AL0007", "霸州市永盛家具有限公司", "131081", Industry.Furniture, PerformanceGrade.D, now);
        foreach (var firm in new[] { seed000, gradeA, guaranteePlan, guarantee, cementB, cementC, bare })
            await enterprises.PutAsync(firm, Principal.Admin, _ => "{}", null, ct);

        // 一厂一策 of seed 000: orange, 9,200 parts a day instead of 15,600 (a cut of 6,400); red, the spray line stops.
        await alerts.PutPlanAsync(new EmergencyPlan(seed000.CreditCode, seed000.Region, false,
            new PlanLevel(Measure.None, null, null, null, null, new Dictionary<Pollutant, Quantity>()),
            new PlanLevel(Measure.Limit, "喷涂生产线", 9200, 6400, "件", Tonnes(Pollutant.VOCs, 0.05m)),
            new PlanLevel(Measure.Stop, "喷涂生产线", null, null, null, Tonnes(Pollutant.VOCs, 0.09m)), now, "admin"), Principal.Admin, _ => "{}", null, ct);
        // The guarantee list (保障性清单): a glass works with a plan that limits less, a district heating firm without one (self).
        await alerts.PutPlanAsync(new EmergencyPlan(guaranteePlan.CreditCode, guaranteePlan.Region, true, null,
            new PlanLevel(Measure.Limit, "1号玻璃窑", 300, 100, "吨", Tonnes(Pollutant.NOx, 0.2m)),
            new PlanLevel(Measure.Limit, "1号玻璃窑", 250, 150, "吨", Tonnes(Pollutant.NOx, 0.3m)), now, "admin"), Principal.Admin, _ => "{}", null, ct);
        await alerts.PutPlanAsync(new EmergencyPlan(guarantee.CreditCode, guarantee.Region, true, null, null, null, now, "admin"), Principal.Admin, _ => "{}", null, ct);

        // Langfang's industry rules (the cement example of domain.md: B cuts 20 % at orange, stops at red; C stops half its
        // lines at yellow and everything at orange; D stops at every level).
        await alerts.PutRulesAsync(new IndustryRuleSet(RegionPrefix.Parse("1310"),
        [
            new IndustryRule(Industry.Cement, PerformanceGrade.B, None, Limit(20), Stop),
            new IndustryRule(Industry.Cement, PerformanceGrade.C, Limit(50), Stop, Stop),
            new IndustryRule(Industry.Cement, PerformanceGrade.D, Stop, Stop, Stop),
            new IndustryRule(Industry.Glass, PerformanceGrade.B, None, Limit(10), Limit(30)),
            new IndustryRule(Industry.IndustrialCoating, PerformanceGrade.C, Limit(30), Stop, Stop),
            new IndustryRule(Industry.IndustrialCoating, PerformanceGrade.D, Stop, Stop, Stop),
            new IndustryRule(Industry.Foundry, PerformanceGrade.BMinus, Limit(20), Limit(40), Stop),
        ], now, "admin"), Principal.Admin, _ => "{}", null, ct);

        var startsAt = now.AddHours(-2);
        await alerts.DeclareAsync(new AlertRequest(RegionPrefix.Parse("1310"), AlertLevel.Orange, startsAt, startsAt + Alert.MaxDuration,
            "预计出现持续重污染天气过程，廊坊市启动重污染天气橙色预警"), Principal.Admin, "demo-alert-1310-orange", _ => "{}", null, ct);
        // Every firm of Langfang is told of it now (alert.declared with its measure, in its inbox), not at the timers' next minute.
        await services.GetRequiredService<AlertNotifier>().RunAsync(ct);
        await services.GetRequiredService<EventOutbox>().CopyAsync(ct);

        await services.GetRequiredService<ApiKeyStore>().RegisterAsync(Seed000Key, Principal.Enterprise(seed000.CreditCode), "demo", ct);
    }
}

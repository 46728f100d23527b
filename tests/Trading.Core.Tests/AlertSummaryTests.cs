using Trading.Core.Alerts;
using Trading.Core.Enterprises;
using Trading.Core.Primitives;

namespace Trading.Core.Tests;

/// <summary>
/// The summary of an alert equals a brute-force count over generated firms (seeded random: no property-testing package is
/// in Directory.Packages.props): counts by measure decided case by case here, independently of <see cref="EmergencyRules"/>,
/// and emission cuts summed in grams; and its sentence is api.md's.
/// </summary>
public sealed class AlertSummaryTests
{
    private static readonly DateOnly Today = new(2026, 12, 5);
    private static readonly DateTimeOffset Now = new(2026, 12, 5, 10, 0, 0, TimeSpan.FromHours(8));
    private static readonly string[] Regions = ["131024", "131025", "131081", "130102"];
    private static readonly PerformanceGrade[] Grades = Enum.GetValues<PerformanceGrade>();
    private static readonly Industry[] Industries = [Industry.Cement, Industry.IndustrialCoating, Industry.Furniture, Industry.Glass];

    private static PlanLevel? RandomLevel(Random r) => r.Next(4) switch
    {
        0 => null,
        1 => new PlanLevel(Measure.None, null, null, null, null, new Dictionary<Pollutant, Quantity>()),
        2 => new PlanLevel(Measure.Limit, "产线", r.Next(1, 20000), r.Next(0, 9000), "件", RandomCuts(r)),
        _ => new PlanLevel(Measure.Stop, "全部", null, null, null, RandomCuts(r)),
    };

    private static Dictionary<Pollutant, Quantity> RandomCuts(Random r) =>
        AlertSummary.Reported.Where(_ => r.Next(2) == 0).ToDictionary(p => p, _ => Quantity.FromGrams(r.NextInt64(1, 5_000_000_000)));

    private static RuleLevel RandomRule(Random r) => r.Next(3) switch
    {
        0 => new RuleLevel(Measure.None, null),
        1 => new RuleLevel(Measure.Limit, r.Next(1, 100)),
        _ => new RuleLevel(Measure.Stop, null),
    };

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void The_summary_equals_a_brute_force_count_over_generated_firms(int seed)
    {
        var r = new Random(seed);
        var ruleSets = new[] { "13", "1310", "131024" }.Select(p => new IndustryRuleSet(RegionPrefix.Parse(p),
            Industries.SelectMany(i => Grades.Select(g => (i, g))).Where(_ => r.Next(3) == 0)
                .Select(x => new IndustryRule(x.i, x.g, RandomRule(r), RandomRule(r), RandomRule(r))).ToList(), Now, "admin")).ToList();
        var firms = new List<(Enterprise Firm, EmergencyPlan? Plan)>();
        for (var n = 0; n < 2000; n++)
        {
            var code = CreditCode.FromBody("9113" + n.ToString("D13"));
            var grade = Grades[r.Next(Grades.Length)];
            var firm = new Enterprise(code, "F" + n, RegionCode.Parse(Regions[r.Next(Regions.Length)]), Industries[r.Next(Industries.Length)], grade,
                grade == PerformanceGrade.Ungraded ? null : Today.AddDays(r.Next(-30, 300)), false, CreditRating.Green, Now);
            var plan = r.Next(3) == 0 ? null : new EmergencyPlan(code, firm.Region, r.Next(5) == 0, RandomLevel(r), RandomLevel(r), RandomLevel(r), Now, "admin");
            firms.Add((firm, plan));
        }

        foreach (var level in new[] { AlertLevel.Yellow, AlertLevel.Orange, AlertLevel.Red })
        {
            var summary = AlertSummary.Of(level, firms.Select(f => EmergencyRules.MeasureOf(f.Firm, f.Plan, ruleSets, level, Today)));

            // Brute force: the rule written out again, case by case.
            var counts = Enum.GetValues<Measure>().ToDictionary(m => m, _ => 0);
            var grams = AlertSummary.Reported.ToDictionary(p => p, _ => 0L);
            foreach (var (firm, plan) in firms)
            {
                var expired = firm.GradeValidUntil is { } until && Today > until;
                var grade = expired ? PerformanceGrade.Ungraded : firm.Grade;
                var own = plan?.At(level);
                Measure measure;
                if (grade is PerformanceGrade.A or PerformanceGrade.APlus or PerformanceGrade.Leading) { measure = Measure.Self; own = null; }
                else if (plan is { GuaranteeList: true } && own is null) measure = Measure.Self;
                else if (own is not null) measure = own.Measure;
                else
                {
                    var rule = ruleSets.Where(s => firm.Region.Value.StartsWith(s.Prefix.Value, StringComparison.Ordinal))
                        .OrderByDescending(s => s.Prefix.Value.Length).Select(s => s.Rules.FirstOrDefault(x => x.Industry == firm.Industry && x.Grade == grade))
                        .FirstOrDefault(x => x is not null);
                    measure = rule?.At(level)?.Measure ?? Measure.NoPlan;
                }
                counts[measure]++;
                foreach (var (p, q) in own?.EmissionCuts ?? new Dictionary<Pollutant, Quantity>()) grams[p] += q.Grams;
            }

            Assert.Equal(firms.Count, summary.Firms);
            Assert.Equal(counts, summary.ByMeasure);
            Assert.Equal(grams, summary.EmissionCuts.ToDictionary(c => c.Key, c => c.Value.Grams));
            Assert.True(counts.Values.All(c => c > 0), "every measure occurs in the generated firms");
        }
    }

    [Fact]
    public void The_sentence_is_api_md_s_with_exact_tonnes_of_each_pollutant_saved()
    {
        var cuts = new Dictionary<Pollutant, Quantity> { [Pollutant.VOCs] = Quantity.FromGrams(50_000), [Pollutant.NOx] = Quantity.FromGrams(1_234_567) };
        FirmMeasure M(Measure m, IReadOnlyDictionary<Pollutant, Quantity>? c = null) => new(AlertLevel.Orange, m, "", PerformanceGrade.B, EmissionCuts: c);
        var summary = AlertSummary.Of(AlertLevel.Orange,
            [M(Measure.Self), M(Measure.Self), M(Measure.Limit, cuts), M(Measure.Stop, cuts), M(Measure.NoPlan), M(Measure.None), M(Measure.Limit)]);
        Assert.Equal("橙色预警：涉及企业7家，其中自主减排2家、限产2家、停产1家、未制定措施1家；预计每日减排NOx 2.469134吨、VOCs 0.1吨", summary.Sentence);
        Assert.Equal("红色预警：涉及企业0家，其中自主减排0家、限产0家、停产0家、未制定措施0家；预计每日减排0吨", AlertSummary.Of(AlertLevel.Red, []).Sentence);
    }
}

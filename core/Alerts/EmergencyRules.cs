using System.Globalization;
using Trading.Core.Enterprises;
using Trading.Core.Primitives;

namespace Trading.Core.Alerts;

/// <summary>
/// The rule of which measure a firm takes under an alert (domain.md, Heavy-pollution alerts; 差异化应急管控), pure:
/// 1. grade A, A+ or Leading in force: <see cref="Measure.Self"/> (不停产、不限产);
/// 2. on the guarantee list: its plan for the level if it has one, else <see cref="Measure.Self"/> (不限产或少限产);
/// 3. its own plan for the level (一厂一策);
/// 4. else the rule of the longest region prefix with a rule for its industry and grade in force;
/// 5. else <see cref="Measure.NoPlan"/>.
/// An expired grade counts as Ungraded; the grade is read on the day asked for, so a grade raised or expired during an
/// alert changes the measure at once.
/// </summary>
public static class EmergencyRules
{
    public static FirmMeasure MeasureOf(Enterprise firm, EmergencyPlan? plan, IEnumerable<IndustryRuleSet> ruleSets, AlertLevel level, DateOnly today)
    {
        var grade = Ratings.InForce(firm.Grade, firm.GradeValidUntil, today);
        var expired = grade != firm.Grade
            ? string.Create(CultureInfo.InvariantCulture, $"绩效等级{GradeName(firm.Grade)}已于{firm.GradeValidUntil:yyyy-MM-dd}过期，按未分级处理；")
            : "";
        var levelName = LevelName(level);
        if (grade is PerformanceGrade.A or PerformanceGrade.APlus or PerformanceGrade.Leading)
            return new FirmMeasure(level, Measure.Self,
                string.Create(CultureInfo.InvariantCulture, $"绩效等级{GradeName(grade)}（有效期至{firm.GradeValidUntil:yyyy-MM-dd}）：不停产、不限产，自主减排"), grade);
        var own = plan is not null && plan.Firm == firm.CreditCode ? plan.At(level) : null;
        if (plan is not null && plan.Firm == firm.CreditCode && plan.GuaranteeList)
            return own is null
                ? new FirmMeasure(level, Measure.Self, expired + "列入保障性清单，无本级应急方案：不限产或少限产，自主减排", grade)
                : FromPlan(own, level, grade, expired + $"列入保障性清单，按本企业{levelName}应急减排方案（一厂一策）");
        if (own is not null) return FromPlan(own, level, grade, expired + $"按本企业{levelName}应急减排方案（一厂一策）");
        if (RuleFor(firm.Region, firm.Industry, grade, ruleSets, level) is { } found)
        {
            var (prefix, rule) = found;
            var what = rule.Measure switch
            {
                Measure.Limit when rule.CutPct is { } pct => string.Create(CultureInfo.InvariantCulture, $"限产{pct}%"),
                Measure.Limit => "限产",
                Measure.Stop => "停产",
                _ => "不限产",
            };
            return new FirmMeasure(level, rule.Measure,
                expired + $"无本企业{levelName}应急方案，按{prefix.Value}地区{firm.Industry}行业{GradeName(grade)}级{levelName}规则：{what}", grade,
                CutPct: rule.Measure == Measure.Limit ? rule.CutPct : null);
        }
        return new FirmMeasure(level, Measure.NoPlan, expired + $"无本企业{levelName}应急方案，也无适用的{firm.Industry}行业{GradeName(grade)}级规则：需生态环境局制定", grade);
    }

    /// <summary>The rule at <paramref name="level"/> of the longest prefix covering <paramref name="region"/> with a rule for the industry and grade.</summary>
    public static (RegionPrefix Prefix, RuleLevel Rule)? RuleFor(RegionCode region, Industry industry, PerformanceGrade grade, IEnumerable<IndustryRuleSet> ruleSets,
        AlertLevel level)
    {
        foreach (var set in ruleSets.Where(s => region.Value.StartsWith(s.Prefix.Value, StringComparison.Ordinal)).OrderByDescending(s => s.Prefix.Value.Length))
        {
            if (set.For(industry, grade) is { } rule)
                return rule.At(level) is { } at ? (set.Prefix, at) : null;
        }
        return null;
    }

    /// <summary>
    /// The alert a firm in <paramref name="region"/> follows at <paramref name="now"/>: of the alerts in force over its
    /// region, the highest level (the earliest declared among equals); null when none is in force.
    /// </summary>
    public static Alert? InForce(IEnumerable<Alert> alerts, RegionCode region, DateTimeOffset now) =>
        alerts.Where(a => a.Covers(region) && a.StatusAt(now) == AlertStatus.Active)
            .OrderByDescending(a => a.Level).ThenBy(a => a.StartsAt).ThenBy(a => a.Region.Value.Length).ThenBy(a => a.Number).FirstOrDefault();

    /// <summary>The day in China a measure is read for: now, or the alert's start when it has not started yet.</summary>
    public static DateOnly DayFor(Alert alert, DateTimeOffset now) => DayOf(now < alert.StartsAt ? alert.StartsAt : now);

    public static DateOnly DayOf(DateTimeOffset instant) => DateOnly.FromDateTime(instant.ToOffset(ReportingMonth.ChinaOffset).DateTime);

    private static FirmMeasure FromPlan(PlanLevel plan, AlertLevel level, PerformanceGrade grade, string why)
    {
        var what = plan.Measure switch
        {
            Measure.Limit when plan.DailyOutputCap is { } cap => string.Create(CultureInfo.InvariantCulture, $"：{plan.Processes ?? "生产线"}限产至每日{cap:#,0.######}{plan.Unit}")
                + (plan.DailyOutputCut is { } cut ? string.Create(CultureInfo.InvariantCulture, $"（减少{cut:#,0.######}{plan.Unit}）") : ""),
            Measure.Limit => $"：{plan.Processes ?? "生产线"}限产",
            Measure.Stop => $"：{plan.Processes ?? "全部生产线"}停产",
            _ => "：不停产、不限产",
        };
        return new FirmMeasure(level, plan.Measure, why + what, grade, plan.Processes, plan.DailyOutputCap, plan.DailyOutputCut, plan.Unit, null, plan.EmissionCuts);
    }

    public static string LevelName(AlertLevel level) => level switch
    {
        AlertLevel.Yellow => "黄色预警",
        AlertLevel.Orange => "橙色预警",
        _ => "红色预警",
    };

    public static string GradeName(PerformanceGrade grade) => grade switch
    {
        PerformanceGrade.APlus => "A+",
        PerformanceGrade.BMinus => "B-",
        PerformanceGrade.Leading => "引领性",
        PerformanceGrade.Ungraded => "未分级",
        _ => grade.ToString(),
    };
}

using Azure.Data.Tables;
using Newtonsoft.Json.Linq;
using Trading.Core.Alerts;
using Trading.Core.Primitives;

namespace Trading.Infra;

/// <summary>
/// The entities of the alert books: an alert (partition its region prefix, row <c>A{number}</c>), a firm's emergency plan
/// (partition the firm's region, row its credit code; the levels as JSON, emission cuts in grams) and a prefix's industry
/// rules (partition the prefix, row <c>rules</c>; the rules as JSON).
/// </summary>
public static class AlertRows
{
    public static TableEntity Entity(Alert a) => new(a.Region.Value, a.RowId)
    {
        ["Number"] = a.Number,
        ["Level"] = a.Level.ToString(),
        ["StartsAt"] = a.StartsAt.ToUniversalTime(),
        ["EndsAt"] = a.EndsAt.ToUniversalTime(),
        ["Reason"] = a.Reason,
        ["DeclaredBy"] = a.DeclaredBy,
        ["DeclaredAt"] = a.DeclaredAt.ToUniversalTime(),
        ["LiftedAt"] = a.LiftedAt?.ToUniversalTime(),
        ["LiftedBy"] = a.LiftedBy,
        ["DeclaredAfter"] = a.Notices.DeclaredAfter,
        ["DeclaredDone"] = a.Notices.DeclaredDone,
        ["DeclaredSent"] = a.Notices.DeclaredSent,
        ["LiftedAfter"] = a.Notices.LiftedAfter,
        ["LiftedDone"] = a.Notices.LiftedDone,
        ["LiftedSent"] = a.Notices.LiftedSent,
    };

    public static Alert ToAlert(TableEntity e) => new(
        RegionPrefix.Parse(e.PartitionKey),
        e.GetInt64("Number") ?? 0,
        Enum.Parse<AlertLevel>(e.GetString("Level")),
        e.GetDateTimeOffset("StartsAt")!.Value,
        e.GetDateTimeOffset("EndsAt")!.Value,
        e.GetString("Reason"),
        e.GetString("DeclaredBy"),
        e.GetDateTimeOffset("DeclaredAt")!.Value,
        e.GetDateTimeOffset("LiftedAt"),
        e.GetString("LiftedBy"),
        new AlertNotices(e.GetString("DeclaredAfter"), e.GetBoolean("DeclaredDone") ?? false, e.GetInt64("DeclaredSent") ?? 0,
            e.GetString("LiftedAfter"), e.GetBoolean("LiftedDone") ?? false, e.GetInt64("LiftedSent") ?? 0));

    public static TableEntity Entity(EmergencyPlan p) => new(p.Region.Value, p.Firm.Value)
    {
        ["GuaranteeList"] = p.GuaranteeList,
        ["Yellow"] = Level(p.Yellow),
        ["Orange"] = Level(p.Orange),
        ["Red"] = Level(p.Red),
        ["UpdatedAt"] = p.UpdatedAt.ToUniversalTime(),
        ["UpdatedBy"] = p.UpdatedBy,
    };

    public static EmergencyPlan ToPlan(TableEntity e) => new(
        CreditCode.Parse(e.RowKey),
        RegionCode.Parse(e.PartitionKey),
        e.GetBoolean("GuaranteeList") ?? false,
        Level(e.GetString("Yellow")),
        Level(e.GetString("Orange")),
        Level(e.GetString("Red")),
        e.GetDateTimeOffset("UpdatedAt") ?? DateTimeOffset.MinValue,
        e.GetString("UpdatedBy") ?? "");

    public static TableEntity Entity(IndustryRuleSet s) => new(s.Prefix.Value, IndustryRuleSet.RowId)
    {
        ["Rules"] = new JArray(s.Rules.Select(r => new JObject
        {
            ["industry"] = r.Industry.ToString(), ["grade"] = r.Grade.ToString(),
            ["yellow"] = Rule(r.Yellow), ["orange"] = Rule(r.Orange), ["red"] = Rule(r.Red),
        })).ToString(Newtonsoft.Json.Formatting.None),
        ["UpdatedAt"] = s.UpdatedAt.ToUniversalTime(),
        ["UpdatedBy"] = s.UpdatedBy,
    };

    public static IndustryRuleSet ToRules(TableEntity e) => new(
        RegionPrefix.Parse(e.PartitionKey),
        ((JArray)Parse(e.GetString("Rules") ?? "[]")).Select(r => new IndustryRule(
            Enum.Parse<Industry>((string)r["industry"]!), Enum.Parse<PerformanceGrade>((string)r["grade"]!),
            Rule(r["yellow"]), Rule(r["orange"]), Rule(r["red"]))).ToList(),
        e.GetDateTimeOffset("UpdatedAt") ?? DateTimeOffset.MinValue,
        e.GetString("UpdatedBy") ?? "");

    private static string? Level(PlanLevel? l) => l is null ? null : new JObject
    {
        ["measure"] = MeasureNames.Of(l.Measure),
        ["processes"] = l.Processes,
        ["dailyOutputCap"] = l.DailyOutputCap,
        ["dailyOutputCut"] = l.DailyOutputCut,
        ["unit"] = l.Unit,
        ["emissionCutGrams"] = new JObject(l.EmissionCuts.OrderBy(c => c.Key).Select(c => new JProperty(c.Key.ToString(), c.Value.Grams))),
    }.ToString(Newtonsoft.Json.Formatting.None);

    private static PlanLevel? Level(string? json)
    {
        if (json is null) return null;
        var o = (JObject)Parse(json);
        MeasureNames.TryParsePlan((string?)o["measure"], out var measure);
        var cuts = ((JObject?)o["emissionCutGrams"])?.Properties().ToDictionary(p => Enum.Parse<Pollutant>(p.Name), p => Quantity.FromGrams((long)p.Value))
                   ?? [];
        return new PlanLevel(measure, (string?)o["processes"], Decimal(o["dailyOutputCap"]), Decimal(o["dailyOutputCut"]), (string?)o["unit"], cuts);
    }

    /// <summary>JSON with its numbers read as decimals (never through a double).</summary>
    private static JToken Parse(string json)
    {
        using var reader = new Newtonsoft.Json.JsonTextReader(new StringReader(json)) { FloatParseHandling = Newtonsoft.Json.FloatParseHandling.Decimal };
        return JToken.ReadFrom(reader);
    }

    /// <summary>A stored decimal without the trailing zeros JSON writing added (9200 is written 9200.0).</summary>
    private static decimal? Decimal(JToken? t) => t is null || t.Type == JTokenType.Null ? null : t.Value<decimal>() / 1.000000000000000000000000000000000m;

    private static JToken Rule(RuleLevel? r) => r is null ? JValue.CreateNull() : new JObject { ["measure"] = MeasureNames.Of(r.Measure), ["cutPct"] = r.CutPct };

    private static RuleLevel? Rule(JToken? t)
    {
        if (t is not JObject o) return null;
        MeasureNames.TryParsePlan((string?)o["measure"], out var measure);
        return new RuleLevel(measure, Decimal(o["cutPct"]));
    }
}

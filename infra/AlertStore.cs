using System.Runtime.CompilerServices;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Trading.Core.Access;
using Trading.Core.Alerts;
using Trading.Core.Enterprises;
using Trading.Core.Primitives;
using Trading.Core.Registers;
using Trading.Core.Writes;

namespace Trading.Infra;

/// <summary>
/// Heavy-pollution alerts on Table Storage, three register books through the one shell: alerts (partition the region
/// prefix, an alert's id names it, so a GET is one point read), firms' emergency plans (partition the firm's region, so the
/// plans of a region are one range query) and industry rules (partition the prefix). The measures of an alert's firms are
/// read in bulk: the firms' by-region copies, the plans and the rules of the region, each one range query (in parallel),
/// never a request per firm.
/// </summary>
public sealed class AlertStore
{
    private readonly StorageContext _storage;
    private readonly WriteShell<RegisterReads, RegisterSnapshot<Alert>> _alerts;
    private readonly WriteShell<RegisterReads, RegisterSnapshot<EmergencyPlan>> _plans;
    private readonly WriteShell<RegisterReads, RegisterSnapshot<IndustryRuleSet>> _rules;

    public AlertStore(StorageContext storage, KeyBindings bindings, AuditMarks auditMarks, EventMarks eventMarks, IEventRenderer renderer,
        ILogger<AlertStore> logger, TimeProvider time)
    {
        _storage = storage;
        _alerts = new(Books.Alerts, new TableRegisterRows<Alert>(storage, Books.Alerts, AlertRows.ToAlert), bindings,
            new AlertHooks(new RegisterHooks(Books.Alerts, storage, auditMarks, logger, eventMarks: eventMarks), storage), time, renderer);
        _plans = new(Books.Plans, new TableRegisterRows<EmergencyPlan>(storage, Books.Plans, AlertRows.ToPlan), bindings,
            new RegisterHooks(Books.Plans, storage, auditMarks, logger), time);
        _rules = new(Books.Rules, new TableRegisterRows<IndustryRuleSet>(storage, Books.Rules, AlertRows.ToRules), bindings,
            new RegisterHooks(Books.Rules, storage, auditMarks, logger), time);
    }

    public Task<WriteOutcome<Alert>> DeclareAsync(AlertRequest request, Principal caller, string idempotencyKey, Func<Alert, string> render, string? traceId,
        CancellationToken ct) => _alerts.ExecuteAsync(new DeclareAlert(request), caller, idempotencyKey, render, traceId, ct);

    public Task<WriteOutcome<Alert>> LiftAsync(RegionPrefix region, long number, Principal caller, Func<Alert, string> render, string? traceId, CancellationToken ct) =>
        _alerts.ExecuteAsync(new LiftAlert(region, number), caller, null, render, traceId, ct);

    /// <summary>One step of telling an alert's firms (the notifier's).</summary>
    public Task<WriteOutcome<AlertNotices>> NotifyAsync(NotifyAlert step, CancellationToken ct) =>
        _alerts.ExecuteAsync(step, Principal.Admin, null, n => $"{{\"declaredSent\":{n.DeclaredSent},\"liftedSent\":{n.LiftedSent}}}", null, ct);

    public async Task<PlanPut> PutPlanAsync(EmergencyPlan plan, Principal caller, Func<PlanPut, string> render, string? traceId, CancellationToken ct) =>
        (await _plans.ExecuteAsync(new PutEmergencyPlan(plan), caller, null, render, traceId, ct)).Answer!;

    public async Task<RulesPut> PutRulesAsync(IndustryRuleSet rules, Principal caller, Func<RulesPut, string> render, string? traceId, CancellationToken ct) =>
        (await _rules.ExecuteAsync(new PutIndustryRules(rules), caller, null, render, traceId, ct)).Answer!;

    public async Task<Alert?> GetAlertAsync(RegionPrefix region, long number, CancellationToken ct)
    {
        var found = await _storage.Alerts.GetEntityIfExistsAsync<TableEntity>(region.Value, Alert.RowIdOf(number), cancellationToken: ct);
        return found.HasValue && found.Value is not null ? AlertRows.ToAlert(found.Value) : null;
    }

    /// <summary>The firm's plan, kept under the region it is registered in.</summary>
    public async Task<EmergencyPlan?> GetPlanAsync(Enterprise firm, CancellationToken ct)
    {
        var found = await _storage.EmergencyPlans.GetEntityIfExistsAsync<TableEntity>(firm.Region.Value, firm.CreditCode.Value, cancellationToken: ct);
        return found.HasValue && found.Value is not null ? AlertRows.ToPlan(found.Value) : null;
    }

    public async Task<IndustryRuleSet?> GetRulesAsync(RegionPrefix prefix, CancellationToken ct)
    {
        var found = await _storage.EmergencyRules.GetEntityIfExistsAsync<TableEntity>(prefix.Value, IndustryRuleSet.RowId, cancellationToken: ct);
        return found.HasValue && found.Value is not null ? AlertRows.ToRules(found.Value) : null;
    }

    /// <summary>The prefixes of a region from the province down (<c>13</c>, <c>1310</c>, <c>131024</c>), ending with <paramref name="prefix"/>.</summary>
    public static IReadOnlyList<string> Covering(string prefix) =>
        Enumerable.Range(1, prefix.Length / 2).Select(n => prefix[..(n * 2)]).ToList();

    /// <summary>
    /// The alerts whose regions overlap <paramref name="region"/>: those over it (its own and its wider prefixes, point
    /// partitions) and those under it (a range of partitions); every alert for the whole country (admin, no region).
    /// </summary>
    public async Task<IReadOnlyList<Alert>> ListAlertsAsync(RegionPrefix region, CancellationToken ct)
    {
        var filters = Overlapping(region, TableClient.CreateQueryFilter($"RowKey lt {BookLayout.RegisterItemsEnd}"));
        var lists = await Task.WhenAll(filters.Select(f => QueryAsync(_storage.Alerts, f, AlertRows.ToAlert, ct)));
        return lists.SelectMany(l => l).OrderByDescending(a => a.StartsAt).ThenByDescending(a => a.DeclaredAt).ToList();
    }

    /// <summary>
    /// Filters for the rows (<paramref name="rows"/>) of the partitions overlapping <paramref name="region"/>: its wider
    /// prefixes (point partitions) and a range over it and everything under it; every partition for the whole country.
    /// </summary>
    private static List<string> Overlapping(RegionPrefix region, string rows) =>
        region.Value.Length == 0
            ? [rows]
            : Covering(region.Value).SkipLast(1).Select(p => TableClient.CreateQueryFilter($"PartitionKey eq {p}") + " and " + rows)
                .Append(TableClient.CreateQueryFilter($"PartitionKey ge {region.Value} and PartitionKey lt {region.Value + ":"}") + " and " + rows).ToList();

    /// <summary>The alerts over a firm's region (its region's prefixes: three point partitions).</summary>
    public async Task<IReadOnlyList<Alert>> AlertsOverAsync(RegionCode region, CancellationToken ct)
    {
        var items = TableClient.CreateQueryFilter($"RowKey lt {BookLayout.RegisterItemsEnd}");
        var lists = await Task.WhenAll(Covering(region.Value).Select(p =>
            QueryAsync(_storage.Alerts, TableClient.CreateQueryFilter($"PartitionKey eq {p}") + " and " + items, AlertRows.ToAlert, ct)));
        return lists.SelectMany(l => l).ToList();
    }

    /// <summary>The industry rules that can apply to a firm under <paramref name="region"/>: those of its wider prefixes and every prefix under it.</summary>
    public async Task<IReadOnlyList<IndustryRuleSet>> RulesForAsync(RegionPrefix region, CancellationToken ct)
    {
        var filters = Overlapping(region, TableClient.CreateQueryFilter($"RowKey eq {IndustryRuleSet.RowId}"));
        var lists = await Task.WhenAll(filters.Select(f => QueryAsync(_storage.EmergencyRules, f, AlertRows.ToRules, ct)));
        return lists.SelectMany(l => l).ToList();
    }

    /// <summary>The rules that can apply to a firm of <paramref name="region"/> (its three prefixes).</summary>
    public async Task<IReadOnlyList<IndustryRuleSet>> RulesOverAsync(RegionCode region, CancellationToken ct)
    {
        var sets = await Task.WhenAll(Covering(region.Value).Select(p => GetRulesAsync(RegionPrefix.Parse(p), ct)));
        return sets.OfType<IndustryRuleSet>().ToList();
    }

    /// <summary>Every plan kept under the regions of <paramref name="region"/> (one range query), by firm and region.</summary>
    public async Task<IReadOnlyDictionary<(string Region, string Firm), EmergencyPlan>> PlansUnderAsync(RegionPrefix region, CancellationToken ct)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey ge {region.Value} and PartitionKey lt {region.Value + ":"} and RowKey lt {BookLayout.RegisterItemsEnd}");
        var plans = await QueryAsync(_storage.EmergencyPlans, filter, AlertRows.ToPlan, ct);
        return plans.ToDictionary(p => (p.Region.Value, p.Firm.Value));
    }

    /// <summary>The plans of some firms: per region among them, one query of the range of their codes.</summary>
    public async Task<IReadOnlyDictionary<(string Region, string Firm), EmergencyPlan>> PlansOfAsync(IReadOnlyList<Enterprise> firms, CancellationToken ct)
    {
        var lists = await Task.WhenAll(firms.GroupBy(f => f.Region.Value, StringComparer.Ordinal).Select(g =>
        {
            var codes = g.Select(f => f.CreditCode.Value).Order(StringComparer.Ordinal).ToList();
            var filter = TableClient.CreateQueryFilter($"PartitionKey eq {g.Key} and RowKey ge {codes[0]} and RowKey le {codes[^1]}");
            return QueryAsync(_storage.EmergencyPlans, filter, AlertRows.ToPlan, ct);
        }));
        return lists.SelectMany(l => l).ToDictionary(p => (p.Region.Value, p.Firm.Value));
    }

    /// <summary>The columns of a firm's by-region copy a measure needs.</summary>
    private static readonly string[] FirmColumns = ["CreditCode", "Name", "Region", "Industry", "Grade", "GradeValidUntil"];

    /// <summary>
    /// The firms registered under <paramref name="region"/>, in the by-region list's order (region, then credit code), after
    /// the cursor <paramref name="after"/> (<c>region|creditCode</c>, exclusive), page by page of storage.
    /// </summary>
    public async IAsyncEnumerable<IReadOnlyList<Enterprise>> FirmsUnderAsync(RegionPrefix region, string? after, [EnumeratorCancellation] CancellationToken ct,
        int pageSize = 1000)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey ge {region.Value} and PartitionKey lt {region.Value + ":"}");
        if (after is not null && after.Split('|') is [var r, var c])
            filter += " and " + TableClient.CreateQueryFilter($"((PartitionKey eq {r} and RowKey gt {c}) or PartitionKey gt {r})");
        await foreach (var page in _storage.EnterprisesByRegion.QueryAsync<TableEntity>(filter, maxPerPage: pageSize, select: FirmColumns, cancellationToken: ct).AsPages())
            yield return page.Values.Select(Firm).ToList();
    }

    /// <summary>The cursor of the by-region list just after <paramref name="firm"/>.</summary>
    public static string CursorOf(Enterprise firm) => firm.Region.Value + "|" + firm.CreditCode.Value;

    /// <summary>A firm from its by-region copy, with what a measure needs (name, region, industry, grade and its validity).</summary>
    private static Enterprise Firm(TableEntity t) => new(
        CreditCode.Parse(t.GetString("CreditCode")),
        t.GetString("Name"),
        RegionCode.Parse(t.GetString("Region")),
        Enum.Parse<Industry>(t.GetString("Industry")),
        Enum.Parse<PerformanceGrade>(t.GetString("Grade")),
        t.GetString("GradeValidUntil") is { } d ? DateOnly.ParseExact(d, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) : null,
        false, CreditRating.Green, DateTimeOffset.MinValue);

    /// <summary>
    /// Every firm under the alert's region with its measure at the alert's level on <paramref name="day"/>: the firms, the
    /// plans and the rules of the region read in parallel, one range query each.
    /// </summary>
    public async Task<IReadOnlyList<AlertNotice>> MeasuresAsync(Alert alert, DateTimeOffset now, CancellationToken ct)
    {
        var firmsTask = AllFirmsAsync(alert.Region, ct);
        var plansTask = PlansUnderAsync(alert.Region, ct);
        var rulesTask = RulesForAsync(alert.Region, ct);
        await Task.WhenAll(firmsTask, plansTask, rulesTask);
        var plans = plansTask.Result;
        var rules = rulesTask.Result;
        var day = EmergencyRules.DayFor(alert, now);
        return firmsTask.Result.Select(f => new AlertNotice(alert, f,
            EmergencyRules.MeasureOf(f, plans.GetValueOrDefault((f.Region.Value, f.CreditCode.Value)), rules, alert.Level, day), now)).ToList();
    }

    private async Task<List<Enterprise>> AllFirmsAsync(RegionPrefix region, CancellationToken ct)
    {
        var firms = new List<Enterprise>();
        await foreach (var page in FirmsUnderAsync(region, null, ct)) firms.AddRange(page);
        return firms;
    }

    private static async Task<List<T>> QueryAsync<T>(TableClient table, string filter, Func<TableEntity, T> map, CancellationToken ct)
    {
        var result = new List<T>();
        await foreach (var e in table.QueryAsync<TableEntity>(filter, cancellationToken: ct)) result.Add(map(e));
        return result;
    }

    /// <summary>Deletes an alert's notice mark as read (<paramref name="etag"/>): a mark renewed since (a lift) stays.</summary>
    internal async Task DeleteMarkAsync(string alertId, ETag etag, CancellationToken ct)
    {
        try { await _storage.AlertNotices.DeleteEntityAsync(AlertHooks.PendingPartition, alertId, etag, ct); }
        catch (RequestFailedException ex) when (ex.Status is 404 or 412) { /* gone, or renewed by a lift: the next run sees it */ }
    }
}

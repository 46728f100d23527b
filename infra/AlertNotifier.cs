using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Trading.Core.Alerts;
using Trading.Core.Enterprises;

namespace Trading.Infra;

/// <summary>
/// The timer <c>NotifyAlerts</c>: tells every firm of a declared (or lifted) alert's region, with its measure, exactly once.
/// A region has up to 20,000 firms and a transaction at most 100 rows, so the firms are told in steps of
/// <see cref="NotifyAlert.MaxPerStep"/>: each step reads the next firms of the by-region list after the alert's cursor (and
/// their plans), decides their measures, and commits their events with the cursor moved past them in one transaction of the
/// alert's partition (<see cref="NotifyAlert"/>; a step whose cursor moved meanwhile writes nothing). Only alerts with a
/// notice mark are visited; a finished alert's mark is deleted under If-Match. Each step asks the run's budget first;
/// a run that stops leaves the cursor where the next run continues.
/// </summary>
public sealed class AlertNotifier(StorageContext storage, AlertStore alerts, TimerBudgets budgets, TimeProvider time, ILogger<AlertNotifier> logger)
{
    public async Task<IReadOnlyList<string>> RunAsync(CancellationToken ct)
    {
        var budget = budgets.Start();
        var logs = new List<string>();
        long sent = 0;
        await foreach (var mark in storage.AlertNotices.QueryAsync<TableEntity>(
                           TableClient.CreateQueryFilter($"PartitionKey eq {AlertHooks.PendingPartition}"), select: ["RowKey"], cancellationToken: ct))
        {
            if (!Alert.TryParseId(mark.RowKey, out var region, out var number)) continue;
            var (told, finished) = await NotifyAlertAsync(region, number, budget, ct);
            sent += told;
            if (finished) await alerts.DeleteMarkAsync(mark.RowKey, mark.ETag, ct);
            if (told > 0) logs.Add($"Told {told} firm(s) of alert {mark.RowKey}{(finished ? "; every firm told" : "")}.");
            if (budget.Stopped) break;
        }
        if (budget.Stopped) logs.Add(budget.StoppedLine("telling firms of alerts"));
        if (sent == 0 && logs.Count == 0) logs.Add("No alert to tell firms of.");
        logger.LogInformation("NotifyAlerts told {Count} firm(s)", sent);
        return logs;
    }

    /// <summary>Tells the alert's firms step by step while the budget lasts; whether every firm was told of every phase due.</summary>
    private async Task<(long Told, bool Finished)> NotifyAlertAsync(Core.Primitives.RegionPrefix region, long number, TimerBudget budget, CancellationToken ct)
    {
        long told = 0;
        IReadOnlyList<IndustryRuleSet>? rules = null;
        while (true)
        {
            var alert = await alerts.GetAlertAsync(region, number, ct);
            if (alert is null || !AlertHooks.Pending(alert)) return (told, true);
            if (!budget.TrySpend()) return (told, false);
            rules ??= await alerts.RulesForAsync(alert.Region, ct);
            var lifted = alert.Notices.DeclaredDone;
            var after = lifted ? alert.Notices.LiftedAfter : alert.Notices.DeclaredAfter;
            var (firms, last) = await NextFirmsAsync(alert.Region, after, ct);
            var plans = firms.Count == 0 ? new Dictionary<(string, string), EmergencyPlan>() : await alerts.PlansOfAsync(firms, ct);
            var day = EmergencyRules.DayFor(alert, time.GetUtcNow());
            var step = firms.Select(f => (f, EmergencyRules.MeasureOf(f, plans.GetValueOrDefault((f.Region.Value, f.CreditCode.Value)), rules, alert.Level, day))).ToList();
            var outcome = await alerts.NotifyAsync(new NotifyAlert(alert.Region, alert.Number, lifted, after, step,
                firms.Count == 0 ? null : AlertStore.CursorOf(firms[^1]), last), ct);
            // A step that wrote nothing found the cursor moved (another run): the next loop reads the alert again.
            var before = lifted ? alert.Notices.LiftedSent : alert.Notices.DeclaredSent;
            if (outcome.Answer is { } n && (lifted ? n.LiftedSent : n.DeclaredSent) is var now && now == before + firms.Count) told += firms.Count;
        }
    }

    /// <summary>The next firms of the by-region list after the cursor, at most one step's worth, and whether the list ends with them.</summary>
    private async Task<(List<Enterprise> Firms, bool Last)> NextFirmsAsync(Core.Primitives.RegionPrefix region, string? after, CancellationToken ct)
    {
        var firms = new List<Enterprise>();
        await foreach (var page in alerts.FirmsUnderAsync(region, after, ct, NotifyAlert.MaxPerStep + 1))
        {
            foreach (var firm in page)
            {
                if (firms.Count == NotifyAlert.MaxPerStep) return (firms, false);
                firms.Add(firm);
            }
        }
        return (firms, true);
    }
}

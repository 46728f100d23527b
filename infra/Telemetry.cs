using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Trading.Infra;

/// <summary>
/// The app's traces and metrics (OpenTelemetry reads them by name): a span per market write, and counters of trades
/// recorded, proposals made, 412 retries, storage faults, timer runs and their duration.
/// </summary>
public static class Telemetry
{
    public const string Name = "Trading";

    public static readonly ActivitySource Source = new(Name);
    public static readonly Meter Meter = new(Name);

    public static readonly Counter<long> TradesRecorded = Meter.CreateCounter<long>("trading.trades.recorded", "{trade}", "Trades recorded in the ledger");
    public static readonly Counter<long> ProposalsCreated = Meter.CreateCounter<long>("trading.proposals.created", "{proposal}", "Trade proposals made");
    public static readonly Counter<long> Retries = Meter.CreateCounter<long>("trading.writes.retries", "{retry}", "Market writes retried after a lost race (412/409)");
    public static readonly Counter<long> StorageFaults = Meter.CreateCounter<long>("trading.storage.faults", "{fault}", "Requests answered 503 for a storage fault");
    public static readonly Counter<long> RollupCopyFaults = Meter.CreateCounter<long>("trading.rollups.copy_faults", "{fault}", "Background copies into region rollups that failed (the sweep catches up)");
    public static readonly Counter<long> MatchMarkFaults = Meter.CreateCounter<long>("trading.matches.mark_faults", "{fault}", "Dirty marks for loan matches not touched again after a commit (the marks written before it stand)");
    public static readonly Counter<long> TimerRuns = Meter.CreateCounter<long>("trading.timers.runs", "{run}", "Timer function runs");
    public static readonly Histogram<double> TimerDuration = Meter.CreateHistogram<double>("trading.timers.duration", "s", "Timer function run time");
}

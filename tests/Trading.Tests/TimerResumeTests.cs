using System.Collections.Concurrent;
using Trading.Functions.Hosting;
using Trading.Infra;
using Trading.Tests.Support;
using Xunit.Abstractions;

namespace Trading.Tests;

/// <summary>
/// Every timer, on a copy of one data set that gives it real work (<see cref="TimerDataFixture"/>): stopped at random
/// points by its step limit and run again until a run does no more, killed mid-run (every storage request from a random
/// n-th on fails, as for a process that died there) and run again, and run by two server instances at once, each ends in
/// the same state as one uninterrupted run on another copy (compared row by row, blob by blob and message by message,
/// normalised by <see cref="StorageState.Normalizer"/>), and that state shows the work done once (<see cref="TimerChecks"/>).
/// Runs call the timer's function in-process, as the admin route and the Functions host do (<see cref="TimerFunction.Run"/>);
/// the step-limited runs go through the admin route (<c>POST /admin/functions/{name}</c>, its lease included). The
/// two-instance runs call the function directly on both servers, not through the route's lease, so that both really
/// run the same work at once (as two hosts do when a lease is lost). Seeds are printed; set TIMER_SEED to replay one.
/// </summary>
public sealed class TimerResumeTests(TimerDataFixture data, ITestOutputHelper log) : IClassFixture<TimerDataFixture>
{
    public static TheoryData<string> Timers =>
        ["ExpireProposals", "CloseAuctions", "CloseMonth", "CountLoans", "CopyAudit", "CopyEvents", "CopyRollups", "RefreshMatches"];

    /// <summary>The end state of one uninterrupted run per timer, and the storage requests that run took.</summary>
    private sealed record Uninterrupted(IReadOnlyList<string> Lines, long Requests);

    private static readonly ConcurrentDictionary<string, Lazy<Task<Uninterrupted>>> s_uninterrupted = new();
    private StorageState.Normalizer? _normalizer;
    private const int MaxRuns = 80;

    private StorageState.Normalizer Normalizer =>
        _normalizer ??= new StorageState.Normalizer(data.Start, data.Ready);

    private Random Seeded(string timer, string scenario)
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("TIMER_SEED"), out var s) ? s : Environment.TickCount & 0xFFFF;
        log.WriteLine($"{scenario} {timer}: seed {seed} (TIMER_SEED={seed} replays it)");
        return new Random((seed ^ (int)(Hashing.Fnv1a(timer) & 0x7FFFFFFF)) & 0x7FFFFFFF); // a stable hash: the same seed replays the same choices
    }

    /// <summary>A server on the prefix with its clock <see cref="TimerDataFixture.Shift"/> ahead; its storage requests go through <paramref name="faults"/>.</summary>
    /// <param name="claimLease">The outbox claim lease: zero for a server that runs after a kill, standing for the wait until the dead copier's claim ran out.</param>
    private Task<TestServer> ServerAsync(string prefix, StorageFaults faults, long? stepLimit = null, TimeSpan? claimLease = null) =>
        TestServer.StartAsync(data.Azurite.ConnectionString, prefix, ApiFixture.AdminKey, builder =>
        {
            builder.Services.AddSingleton<TimeProvider>(new Shifted(TimerDataFixture.Shift));
            var options = new StorageOptions { ConnectionString = data.Azurite.ConnectionString, Prefix = prefix, Handler = faults };
            if (claimLease is { } lease) options.OutboxClaimLease = lease;
            builder.Services.AddSingleton(options);
        }, stepLimit is { } k ? [$"--Trading:TimerStepLimit={k}"] : []);

    private static Task<IReadOnlyList<string>> RunAsync(TestServer server, string timer, CancellationToken ct = default) =>
        FunctionCatalog.Timer(timer).Run(server.Services, ct);

    private static async Task<IReadOnlyList<string>> RunThroughRouteAsync(TestServer server, string timer)
    {
        using var host = server.Client();
        var reply = (await host.PostJsonAsync("/admin/functions/" + timer, """{"input":""}""")).Expect(202);
        return reply.Body["logs"]!.Values<string>().Select(l => l!).ToList();
    }

    /// <summary>Waits until the servers' background work after a run (rollup copies, match marks) is over: no storage write for a moment.</summary>
    private static async Task QuietAsync(params StorageFaults[] servers)
    {
        for (var i = 0; i < 40; i++)
        {
            var writes = servers.Sum(s => s.Writes);
            await Task.Delay(150);
            if (servers.Sum(s => s.Writes) == writes) return;
        }
    }

    private static bool StoppedForBudget(IEnumerable<string> logs) => logs.Any(l => l.Contains("Stopped at the time budget", StringComparison.Ordinal));

    /// <summary>
    /// Runs until a run did no more: it did not stop for its budget, and it wrote nothing (no storage request but reads,
    /// the lease's container aside) or left the state as it found it (normalised: a run that only records its own time).
    /// Answers how many runs.
    /// </summary>
    private async Task<int> RunUntilDoneAsync(Func<Task<IReadOnlyList<string>>> run, StorageFaults faults, StorageContext storage, string prefix, StorageState? start = null)
    {
        var before = start is null ? null : Normalizer.Lines(start);
        for (var runs = 1; runs <= MaxRuns; runs++)
        {
            var writes = faults.Writes;
            var logs = await run();
            if (StoppedForBudget(logs))
            {
                before = null;
                continue;
            }
            if (faults.Writes == writes) return runs;
            await QuietAsync(faults);
            var after = Normalizer.Lines(await StorageState.ReadAsync(storage, prefix, drainQueue: false));
            if (before is not null && after.SequenceEqual(before)) return runs;
            before = after;
        }
        throw new Xunit.Sdk.XunitException($"still working after {MaxRuns} runs");
    }

    private Task<Uninterrupted> UninterruptedAsync(string timer) => s_uninterrupted.GetOrAdd(timer, t => new Lazy<Task<Uninterrupted>>(async () =>
    {
        var (prefix, storage) = await data.CopyAsync();
        var counter = new StorageFaults();
        await using var server = await ServerAsync(prefix, counter);
        counter.Reset();
        var logs = await RunAsync(server, t);
        var requests = counter.Requests;
        var end = await EndAsync(storage, prefix, t, counter);
        log.WriteLine($"uninterrupted {t}: {requests} storage request(s); logs: {string.Join(" | ", logs)}");
        using var admin = server.Client(ApiFixture.AdminKey);
        await TimerChecks.CheckAsync(t, data, storage, end, admin);
        return new Uninterrupted(Normalizer.Lines(end), requests);
    })).Value;

    /// <summary>
    /// The end state, once the rollup copies that the runs' commits left pending are done: a commit's copy runs in the
    /// background after it, and one that a killed server or a lost race did not finish is left (by design) to the
    /// CopyRollups sweep once its mark is older than <see cref="RegionRollups.Grace"/>. So, for every timer but CopyRollups
    /// itself, CopyRollups runs once more on a server whose clock is past that grace, on both sides of a comparison.
    /// </summary>
    private static async Task<StorageState> EndAsync(StorageContext storage, string prefix, string timer, params StorageFaults[] servers)
    {
        await QuietAsync(servers);
        if (timer != "CopyRollups")
            await new RegionRollups(storage, new TableLedger(storage), new Shifted(TimerDataFixture.Shift + RegionRollups.Grace + TimeSpan.FromMinutes(5))).CatchUpAsync(default);
        return await StorageState.ReadAsync(storage, prefix, drainQueue: true);
    }

    /// <param name="queueAtLeastOnce">
    /// After a kill: the queue is compared as a set. A copier that dies after sending a range and before moving its cursor
    /// sends that range again at the next run, by design (api.md: events are delivered to the queue at least once,
    /// consumers drop repeats by id; the inbox takes each once). The repeats are counted in the log.
    /// </param>
    private async Task SameAsUninterruptedAsync(string timer, StorageContext storage, string prefix, TestServer server, bool queueAtLeastOnce, params StorageFaults[] servers)
    {
        var expected = await UninterruptedAsync(timer);
        var end = await EndAsync(storage, prefix, timer, servers);
        var lines = Normalizer.Lines(end);
        if (queueAtLeastOnce)
        {
            var distinct = lines.Where((l, i) => !l.StartsWith("queue|", StringComparison.Ordinal) || i == 0 || lines[i - 1] != l).ToList();
            log.WriteLine($"queue: {lines.Count - distinct.Count} repeated message(s) (at least once after a kill)");
            lines = distinct;
        }
        var diff = StorageState.Diff(expected.Lines, lines);
        log.WriteLine("normalised: " + string.Join(", ", Normalizer.Replaced.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => $"{r.Key} ×{r.Value}")));
        Assert.True(diff.Length == 0, $"{timer} ended in another state than one uninterrupted run:\n{diff}");
        using var admin = server.Client(ApiFixture.AdminKey);
        await TimerChecks.CheckAsync(timer, data, storage, end, admin, queueAtLeastOnce);
    }

    [Theory]
    [MemberData(nameof(Timers))]
    public async Task Stopped_at_random_step_limits_and_run_again_until_done_ends_as_one_uninterrupted_run(string timer)
    {
        var random = Seeded(timer, "step limit");
        var limit = random.Next(1, 4);
        var (prefix, storage) = await data.CopyAsync();
        var faults = new StorageFaults();
        await using var server = await ServerAsync(prefix, faults, limit);
        var runs = await RunUntilDoneAsync(() => RunThroughRouteAsync(server, timer), faults, storage, prefix, data.Start);
        log.WriteLine($"step limit {timer}: {limit} step(s) a run, {runs} run(s) until one did nothing");
        await SameAsUninterruptedAsync(timer, storage, prefix, server, false, faults);
    }

    [Theory]
    [MemberData(nameof(Timers))]
    public async Task Killed_mid_run_and_run_again_ends_as_one_uninterrupted_run(string timer)
    {
        var random = Seeded(timer, "killed");
        var total = (await UninterruptedAsync(timer)).Requests;
        var (prefix, storage) = await data.CopyAsync();
        // Among the requests every run makes: an uninterrupted run's count varies by one from run to run (seen: RefreshMatches 31 or 32).
        var killAt = random.NextInt64(1, Math.Max(2, total));
        var faults = new StorageFaults();
        using var cancel = new CancellationTokenSource();
        await using (var dying = await ServerAsync(prefix, faults))
        {
            faults.TripAt(killAt, cancel.Cancel);
            var died = await Record.ExceptionAsync(() => RunAsync(dying, timer, cancel.Token));
            log.WriteLine($"killed {timer}: at storage request {killAt} of {total} ({died?.GetType().Name ?? "the run ended without an error"})");
            Assert.True(faults.Tripped, $"the run made fewer than {killAt} storage requests");
        }
        var again = new StorageFaults();
        await using var server = await ServerAsync(prefix, again, claimLease: TimeSpan.Zero);
        var runs = await RunUntilDoneAsync(() => RunAsync(server, timer), again, storage, prefix);
        log.WriteLine($"killed {timer}: {runs} run(s) after it until one did nothing");
        await SameAsUninterruptedAsync(timer, storage, prefix, server, true, again);
    }

    [Theory]
    [MemberData(nameof(Timers))]
    public async Task Two_instances_running_it_at_once_do_each_piece_of_work_once(string timer)
    {
        var (prefix, storage) = await data.CopyAsync();
        var firstStorage = new StorageFaults();
        await using var first = await ServerAsync(prefix, firstStorage);
        var secondStorage = new StorageFaults();
        await using var second = await ServerAsync(prefix, secondStorage);
        using var go = new SemaphoreSlim(0, 2);
        async Task<IReadOnlyList<string>> At(TestServer s)
        {
            await go.WaitAsync();
            return await RunAsync(s, timer);
        }
        var both = Task.WhenAll(Task.Run(() => At(first)), Task.Run(() => At(second)));
        go.Release(2);
        var logs = await both;
        await QuietAsync(firstStorage, secondStorage);
        log.WriteLine($"two instances {timer}: {string.Join(" | ", logs[0])} || {string.Join(" | ", logs[1])}");
        var runs = await RunUntilDoneAsync(() => RunAsync(first, timer), firstStorage, storage, prefix);
        log.WriteLine($"two instances {timer}: {runs} run(s) after them until one did nothing");
        await SameAsUninterruptedAsync(timer, storage, prefix, first, false, firstStorage, secondStorage);
    }

    private sealed class Shifted(TimeSpan by) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + by;
    }
}

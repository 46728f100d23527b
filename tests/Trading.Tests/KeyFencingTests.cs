using Azure.Data.Tables;
using Trading.Core;
using Trading.Core.Access;
using Trading.Core.Ledger;
using Trading.Core.Ledger.UseCases;
using Trading.Core.Primitives;
using Trading.Core.Writes;
using Trading.Infra;
using Trading.Tests.Support;

namespace Trading.Tests;

/// <summary>
/// A key binding older than its takeover window is taken over by a new request while the first may still commit: the
/// takeover fences the first request's partition, so only one of them ever takes effect. Real shell, real Azurite.
/// </summary>
public sealed class KeyFencingTests
{
    private sealed class ManualClock(DateTimeOffset start) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = start;
        public override DateTimeOffset GetUtcNow() => Now;
    }

    /// <summary>No indexes or marks; the first write that reaches its commit waits at <see cref="Gate"/> until released.</summary>
    private sealed class HeldHooks : IWriteHooks, IWriteEffects
    {
        private int _held;
        public TaskCompletionSource Reached { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource Gate { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public IDisposable? Trace(string action, string partition) => null;
        public IWriteEffects Start(string partition) => this;
        public void Retried(string action) { }

        public async Task BeforeCommitAsync(IReadOnlyList<RowChange> changes, CancellationToken ct)
        {
            if (Interlocked.Exchange(ref _held, 1) == 1) return;
            Reached.SetResult();
            await Gate.Task;
        }

        public Task AfterCommitAsync(string action, IReadOnlyList<RowChange> changes, CancellationToken ct) => Task.CompletedTask;
    }

    [Theory]
    [InlineData("131000", "131000")]
    [InlineData("131000", "131024")]
    public async Task A_request_delayed_past_the_takeover_of_its_key_never_takes_effect(string firstRegion, string secondRegion)
    {
        var (storage, clock, _, hooks, first, second) = await TwoInstancesAsync();
        var firstMarket = new MarketId(RegionCode.Parse(firstRegion), Pollutant.SO2);
        var secondMarket = new MarketId(RegionCode.Parse(secondRegion), Pollutant.SO2);
        var one = new Allocate(new AllocationRequest(firstMarket, Holder.Reserve, Quantity.FromGrams(1_000_000), "permit A"));
        var other = new Allocate(new AllocationRequest(secondMarket, Holder.Reserve, Quantity.FromGrams(2_000_000), "permit B"));

        // The first request bound the key and is about to commit; it stalls past the takeover window.
        var held = await HeldPastTakeoverAsync(first, one, storage, clock, hooks);
        var taken = await second.ExecuteAsync(other, Official, "same-key", a => a.Id, null, CancellationToken.None);
        Assert.False(taken.Replayed);
        hooks.Gate.SetResult();
        // In the same market the first request finds the second's idempotency record (422: the key was used for another
        // request); in another market it finds the fence (503: nothing recorded, a retry gets the key's answer).
        var refused = await Record.ExceptionAsync(() => held);
        if (firstMarket == secondMarket) Assert.IsType<RuleViolationException>(refused);
        else Assert.Contains("took over", Assert.IsType<UnavailableException>(refused).Message);

        // Exactly one effect: the second allocation; the first market holds nothing.
        Assert.Equal(2_000_000, await AllocatedAsync(storage, secondMarket));
        if (firstMarket != secondMarket) Assert.Equal(0, await AllocatedAsync(storage, firstMarket));
        // A retry of the second request replays it; the first request's body under the key is now a reuse (422).
        var replay = await second.ExecuteAsync(other, Official, "same-key", a => a.Id, null, CancellationToken.None);
        Assert.True(replay.Replayed);
        Assert.Equal(taken.ResourceId, replay.ResourceId);
        await Assert.ThrowsAsync<RuleViolationException>(() => first.ExecuteAsync(one, Official, "same-key", a => a.Id, null, CancellationToken.None));
        Assert.Equal(2_000_000, await AllocatedAsync(storage, secondMarket));
    }

    [Fact]
    public async Task A_takeover_that_is_itself_refused_leaves_no_wedge_the_next_request_under_the_key_commits()
    {
        var (storage, clock, bindings, hooks, first, later) = await TwoInstancesAsync();
        var market = new MarketId(RegionCode.Parse("131000"), Pollutant.NOx);
        var one = new Allocate(new AllocationRequest(market, Holder.Reserve, Quantity.FromGrams(1_000_000), "permit A"));
        var held = await HeldPastTakeoverAsync(first, one, storage, clock, hooks);

        // A second request takes the key over (its fence shuts the first one out), then is refused and releases the key.
        var callerKeyHash = Core.Hashing.Sha256Hex(Official.Id + "\n" + "same-key");
        var abandoned = await bindings.FindAsync(callerKeyHash, "another request", CancellationToken.None);
        Assert.NotNull(abandoned);
        var (taken, made) = await bindings.BindAsync(Official, callerKeyHash, "another request", Books.Ledger, market.Key, "token-B", abandoned, CancellationToken.None);
        Assert.True(made);
        await bindings.UnbindAsync(taken, CancellationToken.None);

        // A third request under the key, in the same market: it commits (the fence shuts out only the taken-over requests).
        var third = new Allocate(new AllocationRequest(market, Holder.Reserve, Quantity.FromGrams(3_000_000), "permit C"));
        var committed = await later.ExecuteAsync(third, Official, "same-key", a => a.Id, null, CancellationToken.None);
        Assert.False(committed.Replayed);
        hooks.Gate.SetResult();
        Assert.IsType<RuleViolationException>(await Record.ExceptionAsync(() => held));
        Assert.Equal(3_000_000, await AllocatedAsync(storage, market));
    }

    /// <summary>No indexes or marks; every write is refused just before its commit, as the close index refuses a month row whose close began (decision 0013).</summary>
    private sealed class RefusingHooks : IWriteHooks, IWriteEffects
    {
        public IDisposable? Trace(string action, string partition) => null;
        public IWriteEffects Start(string partition) => this;
        public void Retried(string action) { }
        public Task BeforeCommitAsync(IReadOnlyList<RowChange> changes, CancellationToken ct) => Task.FromException(Settlement.MonthClosed(ReportingMonth.Parse("2024-03")));
        public Task AfterCommitAsync(string action, IReadOnlyList<RowChange> changes, CancellationToken ct) => Task.CompletedTask;
    }

    [Fact]
    public async Task A_request_refused_by_a_hook_before_its_commit_releases_its_key()
    {
        var (storage, clock, bindings, held, _, later) = await TwoInstancesAsync();
        held.Gate.SetResult(); // the second instance's writes go straight through
        var refusing = new WriteShell<MarketReads, MarketSnapshot>(Books.Ledger, new TableMarketRows(storage, clock), bindings, new RefusingHooks(), clock);
        var market = new MarketId(RegionCode.Parse("131000"), Pollutant.COD);
        var one = new Allocate(new AllocationRequest(market, Holder.Reserve, Quantity.FromGrams(1_000_000), "permit A"));
        var refused = await Assert.ThrowsAsync<RuleViolationException>(() => refusing.ExecuteAsync(one, Official, "same-key", a => a.Id, null, CancellationToken.None));
        Assert.Contains("closed", refused.Message, StringComparison.Ordinal);

        // Nothing was committed under the key: its claim is gone, and another request under it is a new one (not 422).
        Assert.Empty(await storage.Idempotency.QueryAsync<TableEntity>().ToListAsync());
        var other = new Allocate(new AllocationRequest(market, Holder.Reserve, Quantity.FromGrams(2_000_000), "permit B"));
        var committed = await later.ExecuteAsync(other, Official, "same-key", a => a.Id, null, CancellationToken.None);
        Assert.False(committed.Replayed);
        Assert.Equal(2_000_000, await AllocatedAsync(storage, market));
    }

    private static readonly Principal Official = Principal.Official(RegionPrefix.Parse("13"));

    /// <summary>Storage of its own, a clock the test moves, and two instances: each its own shell (the in-process lock serialises only one instance's writes).</summary>
    private static async Task<(StorageContext Storage, ManualClock Clock, KeyBindings Bindings, HeldHooks Hooks, WriteShell<MarketReads, MarketSnapshot> First,
        WriteShell<MarketReads, MarketSnapshot> Second)> TwoInstancesAsync()
    {
        var azurite = await Azurite.Shared;
        var storage = new StorageContext(new StorageOptions { ConnectionString = azurite.ConnectionString, Prefix = "fence" + Guid.NewGuid().ToString("N")[..8] });
        await storage.EnsureCreatedAsync();
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        var bindings = new KeyBindings(storage, clock);
        var rows = new TableMarketRows(storage, clock);
        var hooks = new HeldHooks();
        return (storage, clock, bindings, hooks, new WriteShell<MarketReads, MarketSnapshot>(Books.Ledger, rows, bindings, hooks, clock),
            new WriteShell<MarketReads, MarketSnapshot>(Books.Ledger, rows, bindings, hooks, clock));
    }

    /// <summary>
    /// Starts <paramref name="write"/> under the key <c>same-key</c>, holds it just before its commit, waits for the key's
    /// binding (made while the hooks run), then moves the clock past the takeover window.
    /// </summary>
    private static async Task<Task<WriteOutcome<Allocation>>> HeldPastTakeoverAsync(WriteShell<MarketReads, MarketSnapshot> shell, Allocate write,
        StorageContext storage, ManualClock clock, HeldHooks hooks)
    {
        var held = shell.ExecuteAsync(write, Official, "same-key", a => a.Id, null, CancellationToken.None);
        await hooks.Reached.Task.WaitAsync(TimeSpan.FromSeconds(30));
        for (var i = 0; i < 300 && !(await storage.Idempotency.QueryAsync<TableEntity>(maxPerPage: 1).AsPages().FirstAsync()).Values.Any(); i++)
            await Task.Delay(10);
        clock.Now += KeyBindings.Abandoned + TimeSpan.FromSeconds(1);
        return held;
    }

    private static async Task<long> AllocatedAsync(StorageContext storage, MarketId market)
    {
        var head = await storage.Ledger.GetEntityIfExistsAsync<TableEntity>(market.Key, "head");
        return head.HasValue ? LedgerRows.ToHead(head.Value).Allocated.Grams : 0;
    }
}

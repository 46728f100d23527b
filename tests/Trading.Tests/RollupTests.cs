using Azure.Data.Tables;
using Trading.Core.Primitives;
using Trading.Core.Reporting;
using Trading.Infra;
using Trading.Tests.Support;

namespace Trading.Tests;

public sealed class RollupTests(RollupFixture api) : IClassFixture<RollupFixture>
{
    private static readonly ReportingMonth From = new(2023, 1), To = new(2024, 12);
    private const string TimerBody = """{"input":""}""";

    private static Dictionary<(Pollutant, ReportingMonth), Totals> Sum(IEnumerable<PollutantMonth> rows) =>
        rows.GroupBy(r => (r.Pollutant, r.Month)).Select(g => (g.Key, Total: g.Aggregate(Totals.Zero, (t, r) => t.Add(r.Totals))))
            .Where(x => x.Total != Totals.Zero).ToDictionary(x => x.Key, x => x.Total);

    /// <summary>What the markets' own month rows add up to under a prefix: the figures the rollups must equal.</summary>
    private static async Task<Dictionary<(Pollutant, ReportingMonth), Totals>> FromMarketsAsync(TestServer server, RegionPrefix region) =>
        Sum((await server.Services.GetRequiredService<MonthFigures>().ReadMarketsAsync(region, From, To, default))
            .Select(m => new PollutantMonth(m.Market.Pollutant, m.Month, m.Totals)));

    private static async Task<Dictionary<(Pollutant, ReportingMonth), Totals>> FromRollupsAsync(TestServer server, RegionPrefix region) =>
        Sum((await server.Services.GetRequiredService<RegionRollups>().ReadAsync(region, From, To, default))
            ?? throw new Xunit.Sdk.XunitException("the rollups are not built"));

    public static TheoryData<string> Prefixes => ["", "13", "14", "1310", "1301", "131000", "131024", "140105", "1399"];

    [Theory]
    [MemberData(nameof(Prefixes))]
    public async Task Region_figures_from_rollups_equal_the_sum_of_the_markets_month_rows(string prefix)
    {
        await CopiedAsync();
        var region = prefix.Length == 0 ? RegionPrefix.All : RegionPrefix.Parse(prefix);
        var expected = await FromMarketsAsync(api.Server, region);
        Assert.Equal(expected.OrderBy(e => e.Key), (await FromRollupsAsync(api.Server, region)).OrderBy(e => e.Key));
        if (prefix is "13" or "") Assert.NotEmpty(expected);
    }

    [Fact]
    public async Task Every_commit_is_copied_and_its_mark_removed()
    {
        // The copies run in the background right after each commit; wait for them, then read the totals rows alone.
        await CopiedAsync();
        var totals = new List<TableEntity>();
        await foreach (var row in api.Storage.Rollups.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {"p13"} and RowKey ge {"t|1310|"} and RowKey lt {"t|1310}"}")))
            totals.Add(row);
        var fromRows = totals.SelectMany(r => Pollutants.All.Where(p => r.ContainsKey($"{p}Trades")).Select(p => new PollutantMonth(p,
            ReportingMonth.Parse(r.RowKey[(r.RowKey.LastIndexOf('|') + 1)..]), new Totals(r.GetInt64($"{p}Trades")!.Value, r.GetInt64($"{p}Grams")!.Value, r.GetInt64($"{p}Fen")!.Value))));
        Assert.Equal((await FromMarketsAsync(api.Server, RegionPrefix.Parse("1310"))).OrderBy(e => e.Key), Sum(fromRows).OrderBy(e => e.Key));
    }

    [Fact]
    public async Task A_commit_whose_copy_never_ran_counts_through_its_mark_until_the_sweep_copies_it()
    {
        var market = new MarketId(RegionCode.Parse("131081"), Pollutant.VOCs);
        var month = new ReportingMonth(2022, 3);
        // A writer on another instance marks, commits (its month counter), and dies before copying: its mark is older
        // than the grace period by the time anyone looks.
        var crashed = new RegionRollups(api.Storage, new TableLedger(api.Storage), new Shifted(-RegionRollups.Grace - TimeSpan.FromMinutes(1)));
        await crashed.MarkAsync(market, month, default);
        await api.Storage.Ledger.UpsertEntityAsync(LedgerRows.MonthEntity(market, new Core.Ledger.MonthCounter(month, 2, 3_000_000, 1_234_567)));

        using var official = api.Server.Client(await api.IssueKeyAsync("official", "13"));
        async Task<JObject> PeriodAsync() => (await official.GetJsonAsync("/api/aggregates/period?region=1310&from=2022-03&to=2022-03")).Expect(200).Body;
        var before = await PeriodAsync();
        Assert.Equal(2, before["trades"]!.Value<long>());
        Assert.Equal(12345.67m, before["amount"]!.Value<decimal>());

        using var host = api.Server.Client();
        var run = (await host.PostJsonAsync("/admin/functions/CopyRollups", TimerBody)).Expect(202).Body;
        Assert.Contains("copied and cleared", run["logs"]!.Last!.Value<string>());
        Assert.Equal(0, await PendingMarksAsync(market.Key));
        Assert.Equal(before.ToString(), (await PeriodAsync()).ToString());
        // Copied once: a second sweep finds nothing to add.
        (await host.PostJsonAsync("/admin/functions/CopyRollups", TimerBody)).Expect(202);
        Assert.Equal(before.ToString(), (await PeriodAsync()).ToString());
    }

    [Fact]
    public async Task Concurrent_trades_on_two_instances_are_counted_exactly_while_and_after_they_are_copied()
    {
        await using var second = await api.StartServerAsync();
        using var secondAdmin = second.Client(ApiFixture.AdminKey);
        var posts = Enumerable.Range(0, 24).Select(i => (i % 2 == 0 ? api.Admin : secondAdmin).PostJsonAsync("/api/trades",
            ApiFixture.Trade(api.Firms[i % 2], api.Firms[2 + i % 2], 1m + i, 2000m + i, 1, i % 3 == 0 ? "131024" : "131000", "SO2", "2024-11-15T10:00:00+08:00"),
            ApiFixture.Key($"concurrent-rollup-{i}"))).ToList();
        foreach (var reply in await Task.WhenAll(posts)) reply.Expect(201);
        // At once (copies may still be running): exact through the pending marks, on both instances (a read the copies
        // keep disturbing reads the markets instead, which is exact too: the figures are the same either way).
        foreach (var server in new[] { api.Server, second })
            foreach (var prefix in new[] { "13", "1310", "131024" })
            {
                var region = RegionPrefix.Parse(prefix);
                var expected = (await FromMarketsAsync(server, region)).OrderBy(e => e.Key).ToList();
                Assert.Equal(expected, Sum(await server.Services.GetRequiredService<MonthFigures>().ReadAsync(region, From, To, default)).OrderBy(e => e.Key));
                if (await server.Services.GetRequiredService<RegionRollups>().ReadAsync(region, From, To, default) is { } rollups)
                    Assert.Equal(expected, Sum(rollups).OrderBy(e => e.Key));
            }
        await CopiedAsync();
        Assert.Equal((await FromMarketsAsync(api.Server, RegionPrefix.All)).OrderBy(e => e.Key), (await FromRollupsAsync(second, RegionPrefix.All)).OrderBy(e => e.Key));
    }

    [Fact]
    public async Task Storage_without_rollups_is_read_per_market_until_CopyRollups_builds_them()
    {
        // Storage as a version before rollups left it: markets and month rows, no rollups.
        var prefix = "t" + Guid.NewGuid().ToString("N")[..10];
        var storage = new StorageContext(new StorageOptions { ConnectionString = api.Azurite.ConnectionString, Prefix = prefix });
        await storage.EnsureCreatedAsync();
        foreach (var (region, pollutant, month, trades) in new[] { ("131000", Pollutant.SO2, new ReportingMonth(2024, 1), 3L), ("131024", Pollutant.NOx, new ReportingMonth(2024, 2), 5L), ("140105", Pollutant.SO2, new ReportingMonth(2024, 1), 7L) })
        {
            var market = new MarketId(RegionCode.Parse(region), pollutant);
            await storage.Markets.UpsertEntityAsync(new TableEntity(TableLedger.MarketsPartition, market.Key) { ["Region"] = region, ["Pollutant"] = pollutant.ToString() });
            await storage.Ledger.UpsertEntityAsync(LedgerRows.MonthEntity(market, new Core.Ledger.MonthCounter(month, trades, trades * 1_000_000, trades * 100_000)));
        }
        await using var server = await TestServer.StartAsync(api.Azurite.ConnectionString, prefix, ApiFixture.AdminKey);
        using var admin = server.Client(ApiFixture.AdminKey);
        async Task<long> TradesAsync(string region) => (await admin.GetJsonAsync($"/api/aggregates/period?region={region}&from=2024-01&to=2024-02")).Expect(200).Body["trades"]!.Value<long>();
        Assert.Equal(8, await TradesAsync("13"));
        Assert.Null(await server.Services.GetRequiredService<RegionRollups>().ReadAsync(RegionPrefix.Parse("13"), From, To, default));

        var run = (await server.Client().PostJsonAsync("/admin/functions/CopyRollups", TimerBody)).Expect(202).Body;
        Assert.Contains("Rollups built from 3 market(s), 3 market-month(s).", run["logs"]![0]!.Value<string>());
        Assert.Equal(8, await TradesAsync("13"));
        Assert.Equal(5, await TradesAsync("131024"));
        Assert.Equal(15, (await server.Services.GetRequiredService<RegionRollups>().ReadAsync(RegionPrefix.All, From, To, default))!.Aggregate(Int128.Zero, (s, r) => s + r.Totals.Trades));
    }

    /// <summary>Waits for the background copies of every commit so far (they follow commits within milliseconds).</summary>
    private async Task CopiedAsync()
    {
        for (var i = 0; i < 100 && await PendingMarksAsync() > 0; i++) await Task.Delay(100);
        Assert.Equal(0, await PendingMarksAsync());
    }

    private async Task<int> PendingMarksAsync(string? market = null)
    {
        var n = 0;
        await foreach (var row in api.Storage.RollupMarks.QueryAsync<TableEntity>(select: ["RowKey"]))
            if (market is null || row.RowKey.StartsWith(market + "|", StringComparison.Ordinal)) n++;
        return n;
    }

    private sealed class Shifted(TimeSpan by) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + by;
    }

    /// <summary>
    /// A copy after a commit starts from the counter that commit wrote (no counter read) and the rows this instance wrote
    /// last; a late copy of an older commit never takes a copy mark, or the totals, back to an older value of the counter,
    /// and a copy that finds the rows moved by another instance reads them and the counter instead.
    /// </summary>
    [Fact]
    public async Task A_copy_from_the_counter_a_commit_wrote_reads_no_counter_and_never_takes_the_rollups_back()
    {
        var storage = new StorageContext(new StorageOptions { ConnectionString = api.Azurite.ConnectionString, Prefix = "t" + Guid.NewGuid().ToString("N")[..10] });
        await storage.EnsureCreatedAsync();
        var market = new MarketId(RegionCode.Parse("131000"), Pollutant.SO2);
        var month = new ReportingMonth(2024, 5);
        var one = new RegionRollups(storage, new TableLedger(storage), TimeProvider.System);
        var other = new RegionRollups(storage, new TableLedger(storage), TimeProvider.System);
        static Core.Ledger.MonthCounter Counter(ReportingMonth month, long trades) => new(month, trades, trades * 1_000_000, trades * 100_000);
        Task CommitAsync(long trades) => storage.Ledger.UpsertEntityAsync(LedgerRows.MonthEntity(market, Counter(month, trades)), TableUpdateMode.Replace);
        Dictionary<(MarketId, ReportingMonth), RegionRollups.SourceCounter> Known(long trades) =>
            new() { [(market, month)] = RegionRollups.SourceCounter.Of(Counter(month, trades)) };
        long CounterReads() => storage.Requests.ByKey().GetValueOrDefault("table point-read ledger");
        async Task AssertCopiedAsync(long trades)
        {
            foreach (var (partition, prefix) in new[] { ("all", ""), ("p13", "13"), ("p13", "1310"), ("p13", "131000") })
            {
                var row = (await storage.Rollups.GetEntityAsync<TableEntity>(partition, $"t|{prefix}|{month}")).Value;
                Assert.Equal((trades, trades * 1_000_000, trades * 100_000), (row.GetInt64("SO2Trades"), row.GetInt64("SO2Grams"), row.GetInt64("SO2Fen")));
                var mark = (await storage.Rollups.GetEntityAsync<TableEntity>(partition, $"m|{month}|{market.Key}")).Value;
                Assert.Equal((trades, trades), (mark.GetInt64("Trades"), mark.GetInt64("Seq")));
            }
        }

        await CommitAsync(1);
        await CommitAsync(2);
        await one.CopyAsync([(market, month)], default);
        await AssertCopiedAsync(2);
        // The first commit's copy comes late, with the counter it wrote: the copy marks hold a newer one already.
        await one.CopyAsync([(market, month)], default, Known(1));
        await AssertCopiedAsync(2);
        // The next commit's copy: from the counter it wrote and the rows this instance wrote last, no counter read.
        await CommitAsync(3);
        var reads = CounterReads();
        await one.CopyAsync([(market, month)], default, Known(3));
        Assert.Equal(reads, CounterReads());
        await AssertCopiedAsync(3);
        // Another instance copies two newer commits; then this one's copy of the older of them: its rows moved (If-Match),
        // so it reads them and the counter, and adds nothing.
        await CommitAsync(4);
        await CommitAsync(5);
        await other.CopyAsync([(market, month)], default, Known(5));
        await AssertCopiedAsync(5);
        await one.CopyAsync([(market, month)], default, Known(4));
        await AssertCopiedAsync(5);
        Assert.True(CounterReads() > reads);
    }

    /// <summary>A region's totals above the long limit (many markets each at it) go to a string column, and read back exact; normal values stay Int64.</summary>
    [Fact]
    public async Task A_totals_row_above_the_long_limit_round_trips_and_a_normal_one_keeps_its_Int64_columns()
    {
        var region = RegionPrefix.Parse("1399");
        var month = new ReportingMonth(2099, 1);
        var wide = new Totals((Int128)long.MaxValue * 3, (Int128)long.MaxValue * 6 + 1, (Int128)long.MaxValue + 1);
        var normal = new Totals(15, 8_074_000, 242_220_000);
        var rollup = new RegionMonth(region, month, new Dictionary<Pollutant, Totals> { [Pollutant.SO2] = wide, [Pollutant.NOx] = normal });
        await api.Storage.Rollups.UpsertEntityAsync(RegionRollups.TotalsEntity("p13", rollup), TableUpdateMode.Replace);

        var stored = (await api.Storage.Rollups.GetEntityAsync<TableEntity>("p13", $"t|1399|{month}")).Value;
        Assert.Equal("27670116110564327421", stored["SO2Trades"]);
        Assert.Equal("9223372036854775808", stored["SO2Fen"]);
        Assert.Equal(15L, stored["NOxTrades"]);
        Assert.Equal(242_220_000L, stored.GetInt64("NOxFen"));

        var read = await api.Server.Services.GetRequiredService<RegionRollups>().ReadAsync(region, month, month, default)
            ?? throw new Xunit.Sdk.XunitException("the rollups are not built");
        Assert.Equal(wide, read.Single(r => r.Pollutant == Pollutant.SO2).Totals);
        Assert.Equal(normal, read.Single(r => r.Pollutant == Pollutant.NOx).Totals);
    }
}

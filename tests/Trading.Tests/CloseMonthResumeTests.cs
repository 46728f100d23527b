using System.Net;
using Azure.Data.Tables;
using Trading.Infra;
using Trading.Tests.Support;

namespace Trading.Tests;

/// <summary>
/// CloseMonth in chunks (decision 0013): stopped by its step limit at random points, or killed, and run again, it ends as
/// one uninterrupted run does; storage from before the close index is indexed once, in budgeted steps; a run with
/// nothing to close reads the index's state and no market.
/// </summary>
public sealed class CloseMonthResumeTests
{
    private static readonly (string Region, string Pollutant)[] s_markets =
        [("131000", "SO2"), ("131024", "VOCs"), ("131024", "SO2"), ("131025", "NOx"), ("131026", "COD"), ("131027", "VOCs")];

    /// <summary>Trades in six markets over five months of 2024 (not every market every month), through the API.</summary>
    private static async Task SeedAsync(ApiFixture api, bool corrupt = true)
    {
        var seller = (await api.RegisterEnterpriseAsync("131000")).Value;
        var buyer = (await api.RegisterEnterpriseAsync("131000")).Value;
        foreach (var (region, pollutant) in s_markets) await api.AllocateAsync(seller, 1000m, region, pollutant);
        for (var i = 0; i < s_markets.Length; i++)
            for (var month = 1; month <= 5; month++)
            {
                if ((i + month) % 3 == 0) continue;
                var (region, pollutant) = s_markets[i];
                var at = $"2024-{month:D2}-{10 + i:D2}T10:00:00+08:00";
                (await api.Admin.PostJsonAsync("/api/trades", ApiFixture.Trade(buyer: buyer, seller: seller, quantity: 1m + i, unitPrice: 100m * month, termYears: 1,
                    region: region, pollutant: pollutant, tradedAt: at), ApiFixture.Key($"t-{i}-{month}"))).Expect(201);
            }
        if (!corrupt) return;
        // A live counter off from its trades: every close must log it and write the recomputed figures.
        var row = (await api.Storage.Ledger.GetEntityAsync<TableEntity>("131024-VOCs", "month:2024-01")).Value;
        row["Fen"] = 7L;
        await api.Storage.Ledger.UpdateEntityAsync(row, row.ETag);
    }

    /// <summary>Storage as it was before the close index: no index rows, no backfill mark.</summary>
    private static async Task ForgetIndexAsync(StorageContext storage)
    {
        await foreach (var row in storage.Closes.QueryAsync<TableEntity>(select: ["PartitionKey", "RowKey"]))
            if (row.PartitionKey != MonthFigures.ClosesPartition) await storage.Closes.DeleteEntityAsync(row.PartitionKey, row.RowKey);
    }

    private static async Task CopyAsync(StorageContext from, StorageContext to)
    {
        await to.EnsureCreatedAsync();
        foreach (var (source, target) in from.AllTables.Zip(to.AllTables))
        {
            var rows = new List<TableEntity>();
            await foreach (var row in source.QueryAsync<TableEntity>()) rows.Add(row);
            foreach (var chunk in rows.GroupBy(r => r.PartitionKey).SelectMany(g => g.Chunk(100)))
                await target.SubmitTransactionAsync(chunk.Select(r => new TableTransactionAction(TableTransactionActionType.UpsertReplace, new TableEntity(r.Where(p => p.Key is not ("odata.etag" or "Timestamp")).ToDictionary()))));
        }
    }

    [Fact]
    public async Task A_close_stopped_at_random_steps_or_killed_and_run_again_ends_as_one_uninterrupted_run_does()
    {
        var api = new ApiFixture();
        await api.InitializeAsync();
        try
        {
            await SeedAsync(api);
            await ForgetIndexAsync(api.Storage);
            var copyPrefix = api.Prefix + "c";
            var copy = new StorageContext(new StorageOptions { ConnectionString = api.Azurite.ConnectionString, Prefix = copyPrefix });
            await CopyAsync(api.Storage, copy);
            await using var copyServer = await TestServer.StartAsync(api.Azurite.ConnectionString, copyPrefix, ApiFixture.AdminKey);

            // One uninterrupted run on the original.
            var whole = await api.Server.Services.GetRequiredService<MonthCloser>().CloseEndedMonthsAsync(TimerBudget.Unbounded(TimeProvider.System), CancellationToken.None);
            Assert.Contains(whole, l => l.StartsWith("Mismatch in 131024-VOCs 2024-01", StringComparison.Ordinal));
            Assert.Contains(whole, l => l.StartsWith("Closed 2024-01:", StringComparison.Ordinal));
            var expected = await ClosedState.ReadAsync(api.Storage);

            // Runs on the copy stopped after 1 to 3 steps, one in four killed after a random moment instead.
            var closer = copyServer.Services.GetRequiredService<MonthCloser>();
            copyServer.Services.GetRequiredService<MonthIndex>().BackfillPage = 2;
            var random = new Random(17);
            var (runs, stopped, killed) = (0, 0, 0);
            while (true)
            {
                Assert.True(++runs < 200, "the close never finished");
                if (random.Next(4) == 0)
                {
                    using var kill = new CancellationTokenSource(TimeSpan.FromMilliseconds(random.Next(5, 120)));
                    try { await closer.CloseEndedMonthsAsync(TimerBudget.Unbounded(TimeProvider.System), kill.Token); }
                    catch (OperationCanceledException) { killed++; }
                    continue;
                }
                var budget = new TimerBudget(TimeProvider.System, TimeSpan.FromHours(1), random.Next(1, 4));
                var logs = await closer.CloseEndedMonthsAsync(budget, CancellationToken.None);
                if (!budget.Stopped) break;
                Assert.Contains(logs, l => l.StartsWith("Stopped at the time budget", StringComparison.Ordinal));
                stopped++;
                // Until it is closed, a month has no report.
                Assert.DoesNotContain("blob|2024/05/", await ClosedState.ReadAsync(copy), StringComparison.Ordinal);
            }
            // How much a killed run gets done depends on the machine's speed, so the number of stopped runs varies.
            Assert.True(stopped >= 2 && killed >= 1, $"{stopped} run(s) stopped at their step limit, {killed} killed");
            Assert.Equal(expected, await ClosedState.ReadAsync(copy));
            // And a run after that changes nothing.
            var again = await closer.CloseEndedMonthsAsync(TimerBudget.Unbounded(TimeProvider.System), CancellationToken.None);
            Assert.Contains(again, l => l.StartsWith("Every month up to", StringComparison.Ordinal));
            Assert.Equal(expected, await ClosedState.ReadAsync(copy));
        }
        finally { await api.DisposeAsync(); }
    }

    [Fact]
    public async Task Month_rows_written_before_the_index_are_indexed_once_in_budgeted_steps_and_then_closed()
    {
        var api = new ApiFixture();
        await api.InitializeAsync();
        try
        {
            await SeedAsync(api);
            var written = await IndexRowsAsync(api.Storage);
            Assert.Equal(s_markets.Length * 5 - 10, written.Count); // the hook indexed each month row as its first trade created it
            await ForgetIndexAsync(api.Storage);
            Assert.Empty(await IndexRowsAsync(api.Storage));

            var closer = api.Server.Services.GetRequiredService<MonthCloser>();
            api.Server.Services.GetRequiredService<MonthIndex>().BackfillPage = 1;
            // A step per market (6), then one that finds no market left and records the backfill as done.
            for (var run = 1; run <= s_markets.Length; run++)
            {
                var logs = await closer.CloseDueMonthsAsync(new TimerBudget(TimeProvider.System, TimeSpan.FromHours(1), 1), CancellationToken.None);
                Assert.Contains(logs, l => l.Contains("indexing the month rows", StringComparison.Ordinal));
                Assert.Equal(run, (await IndexRowsAsync(api.Storage)).Select(r => r.Split('|')[2]).Distinct().Count());
            }
            var last = await closer.CloseDueMonthsAsync(new TimerBudget(TimeProvider.System, TimeSpan.FromHours(1), 1), CancellationToken.None);
            Assert.Contains(last, l => l.StartsWith("Indexed the month rows", StringComparison.Ordinal));
            Assert.Equal(written, await IndexRowsAsync(api.Storage));
            var done = (await api.Storage.Closes.GetEntityAsync<TableEntity>(MonthIndex.MetaPartition, "backfill")).Value;
            Assert.True(done.GetBoolean("Done"));

            // Closed from the index: the same figures as the month rows' own.
            var closed = await closer.CloseDueMonthsAsync(TimerBudget.Unbounded(TimeProvider.System), CancellationToken.None);
            Assert.DoesNotContain(closed, l => l.Contains("indexing", StringComparison.Ordinal));
            Assert.Contains(closed, l => l.StartsWith("Closed 2024-01:", StringComparison.Ordinal));
            var march = (await api.Admin.GetJsonAsync("/api/reports/2024-03")).Expect(200).Body;
            Assert.Equal(4, march["trades"]!.Value<long>());
        }
        finally { await api.DisposeAsync(); }
    }

    private static async Task<List<string>> IndexRowsAsync(StorageContext storage)
    {
        var rows = new List<string>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey ge {"month|"} and PartitionKey lt {"month}"}");
        await foreach (var e in storage.Closes.QueryAsync<TableEntity>(filter, select: ["PartitionKey", "RowKey"])) rows.Add($"{e.PartitionKey}|{e.RowKey}");
        rows.Sort(StringComparer.Ordinal);
        return rows;
    }

    [Fact]
    public async Task A_run_with_nothing_to_close_reads_the_index_state_once_and_no_market()
    {
        var api = new ApiFixture();
        await api.InitializeAsync();
        var counter = new CountingHandler();
        try
        {
            await SeedAsync(api, corrupt: false);
            await using var counted = await api.StartServerAsync(builder => builder.Services.AddSingleton(new StorageOptions
            {
                ConnectionString = api.Azurite.ConnectionString,
                Prefix = api.Prefix,
                Handler = counter,
            }));
            var closer = counted.Services.GetRequiredService<MonthCloser>();
            await closer.CloseDueMonthsAsync(TimerBudget.Unbounded(TimeProvider.System), CancellationToken.None);
            Assert.Contains(counter.Paths, p => p.Contains("ledger", StringComparison.Ordinal));

            counter.Paths.Clear();
            var idle = await closer.CloseDueMonthsAsync(TimerBudget.Unbounded(TimeProvider.System), CancellationToken.None);
            Assert.Contains(idle, l => l.StartsWith("Every month up to", StringComparison.Ordinal));
            var paths = counter.Paths.ToList();
            Assert.Single(paths);
            Assert.Contains(api.Prefix + "closes", paths[0], StringComparison.Ordinal);
        }
        finally { await api.DisposeAsync(); }
    }

    [Fact]
    public async Task A_write_creating_a_month_row_indexes_it_first_and_is_refused_if_a_close_began_before_its_entry()
    {
        var api = new ApiFixture();
        await api.InitializeAsync();
        try
        {
            var index = api.Server.Services.GetRequiredService<MonthIndex>();
            var market = new Trading.Core.Primitives.MarketId(Trading.Core.Primitives.RegionCode.Parse("131024"), Trading.Core.Primitives.Pollutant.SO2);
            var current = Trading.Core.Primitives.ReportingMonth.Of(DateTimeOffset.UtcNow);
            var ended = current.AddMonths(-3);
            Trading.Core.Ledger.RowChange Creating(Trading.Core.Primitives.ReportingMonth m) => new(Trading.Core.Ledger.MonthCounter.Empty(m), null);

            // The current month: the index row only (no due row, no read of the close mark).
            await index.MarkAsync(market, [Creating(current)], CancellationToken.None);
            // A month row that exists (If-Match): nothing.
            await index.MarkAsync(market, [new Trading.Core.Ledger.RowChange(Trading.Core.Ledger.MonthCounter.Empty(ended.Next()), "W/\"x\"")], CancellationToken.None);
            Assert.Equal([$"month|{current}|131024-SO2"], await IndexRowsAsync(api.Storage));
            Assert.Empty((await index.ReadStateAsync(CancellationToken.None)).Due);

            // An ended month not closing: the index row and a due row, accepted.
            await index.MarkAsync(market, [Creating(ended)], CancellationToken.None);
            Assert.Equal([ended], (await index.ReadStateAsync(CancellationToken.None)).Due);
            // Once a close has begun (marked before it lists the index), a write creating a month row there is refused.
            await api.Server.Services.GetRequiredService<MonthFigures>().MarkClosingAsync(ended.Previous(), DateTimeOffset.UtcNow, CancellationToken.None);
            var refused = await Assert.ThrowsAsync<Trading.Core.RuleViolationException>(() => index.MarkAsync(market, [Creating(ended.Previous())], CancellationToken.None));
            Assert.Contains("closed", refused.Message, StringComparison.Ordinal);
            Assert.Contains($"month|{ended.Previous()}|131024-SO2", await IndexRowsAsync(api.Storage));
        }
        finally { await api.DisposeAsync(); }
    }

    [Fact]
    public async Task A_trade_refused_because_its_month_began_closing_leaves_its_key_free_for_another_body()
    {
        var api = new ApiFixture();
        await api.InitializeAsync();
        try
        {
            var seller = await api.RegisterEnterpriseAsync();
            var buyer = await api.RegisterEnterpriseAsync();
            await api.AllocateAsync(seller.Value, 10m, region: "131029");
            var closing = Trading.Core.Primitives.ReportingMonth.Of(DateTimeOffset.UtcNow).AddMonths(-5);
            await api.Server.Services.GetRequiredService<MonthFigures>().MarkClosingAsync(closing, DateTimeOffset.UtcNow, CancellationToken.None);
            var tradedAt = closing.Start.AddDays(14).AddHours(10).ToString("yyyy-MM-dd'T'HH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture);
            var key = ApiFixture.Key("closing");

            // The month's row would be created while its close runs: refused by the close index's check before the commit.
            var refused = (await api.Admin.PostJsonAsync("/api/trades", ApiFixture.Trade(seller.Value, buyer.Value, 1m, region: "131029", tradedAt: tradedAt), key)).Expect(422);
            Assert.Contains("closed", refused.Body["detail"]!.Value<string>(), StringComparison.Ordinal);
            // A refusal writes nothing, its key's claim included: the same key with another body is a new request.
            var now = DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd'T'HH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture);
            (await api.Admin.PostJsonAsync("/api/trades", ApiFixture.Trade(seller.Value, buyer.Value, 1m, region: "131029", tradedAt: now), key)).Expect(201);
        }
        finally { await api.DisposeAsync(); }
    }

    /// <summary>Records the path of every storage request.</summary>
    private sealed class CountingHandler() : DelegatingHandler(new HttpClientHandler())
    {
        public System.Collections.Concurrent.ConcurrentQueue<string> Paths { get; } = new();

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            Paths.Enqueue(WebUtility.UrlDecode(request.RequestUri!.AbsolutePath));
            return base.SendAsync(request, ct);
        }
    }
}

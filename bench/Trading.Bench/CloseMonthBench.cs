using System.Diagnostics;
using System.Globalization;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Newtonsoft.Json.Linq;
using Trading.Core.Ledger;
using Trading.Core.Primitives;
using Trading.Core.Reporting;
using Trading.Infra;
using Trading.Tests.Support;

namespace Trading.Bench;

/// <summary>
/// CloseMonth at scale (decision 0013). (a) One ended month over N markets (default 1,000), indexed as the app indexes
/// it, closed by <c>POST /admin/functions/CloseMonth</c>, against the raw Azure SDK doing the same reads and writes on a
/// copy of the same data on the same Azurite (same parallelism). (b) The catch-up of M months (default 24) over N
/// markets written before the close index existed, with <c>Trading:TimerBudget</c> = B seconds (default 30): how many
/// runs, and whether the month rows, the months' close states and the report blobs equal those of one unbounded run
/// on a copy of the same data. Data is written straight into the tables with the SDK (a transaction per market),
/// the same rows the API writes (trades with their newest-first index rows, month counters, the market list).
/// </summary>
public static class CloseMonthBench
{
    private const string Payload = """{"input":""}""";

    public static async Task<int> RunAsync(string[] args)
    {
        var markets = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1_000;
        var months = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 24;
        var budget = TimeSpan.FromSeconds(args.Length > 2 ? double.Parse(args[2], CultureInfo.InvariantCulture) : 30);
        var rounds = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 3;
        var azurite = await Azurite.Shared;
        Console.WriteLine($"Azurite on 127.0.0.1:{azurite.TablePort}; {Environment.ProcessorCount} cores; {markets} markets; catch-up of {months} months, budget {budget.TotalSeconds:0} s a run");
        var lastEnded = ReportingMonth.Of(DateTimeOffset.UtcNow).Previous();
        var ids = Markets(markets);

        // (a) One ended month: the app against the raw SDK, each on its own copy, alternating.
        var app = new List<double>();
        var raw = new List<double>();
        var idle = new List<double>();
        // Round 0 warms both paths up (JIT, connections) and is not counted; rounds = 0 skips (a).
        for (var round = 0; rounds > 0 && round <= rounds; round++)
        {
            var appStorage = await SeedAsync(azurite.ConnectionString, "cma" + round + Guid.NewGuid().ToString("N")[..6], ids, lastEnded, lastEnded, 2, indexed: true);
            var rawStorage = await SeedAsync(azurite.ConnectionString, "cmr" + round + Guid.NewGuid().ToString("N")[..6], ids, lastEnded, lastEnded, 2, indexed: true);
            await using var server = await BenchServer.StartAsync(azurite.ConnectionString, appStorage.Prefix);
            // The month part of the timer, in the server's process (the run's first part, CloseAuctions' settling, is timed below);
            // the raw close first in even rounds, second in odd ones.
            var closer = server.App.Services.GetRequiredService<MonthCloser>();
            var budgets = server.App.Services.GetRequiredService<TimerBudgets>();
            IReadOnlyList<string> logs = [];
            foreach (var which in round % 2 == 0 ? new[] { "raw", "app" } : ["app", "raw"])
            {
                var timer = Stopwatch.StartNew();
                if (which == "raw") await RawCloseAsync(rawStorage.Context, lastEnded);
                else logs = await closer.CloseDueMonthsAsync(budgets.Start(), default);
                (which == "raw" ? raw : app).Add(timer.Elapsed.TotalMilliseconds);
            }
            var sw = Stopwatch.StartNew();
            var idleLogs = await CloseMonthAsync(server.Http);
            idle.Add(sw.Elapsed.TotalMilliseconds);
            if (!idleLogs.Any(l => l.StartsWith("Every month up to", StringComparison.Ordinal))) throw new InvalidOperationException("not idle: " + string.Join(" / ", idleLogs));
            if (!logs.Any(l => l.StartsWith($"Closed {lastEnded}: {2 * ids.Count} trades", StringComparison.Ordinal)))
                throw new InvalidOperationException("unexpected close: " + string.Join(" / ", logs));
            var (a, r) = (await ClosedState.ReadAsync(appStorage.Context, lastEnded), await ClosedState.ReadAsync(rawStorage.Context, lastEnded));
            if (a != r) throw new InvalidOperationException("the raw close wrote other month rows or another report than the app");
            Console.WriteLine($"round {round}{(round == 0 ? " (warm-up)" : "")}: app {app[^1]:0} ms, raw SDK {raw[^1]:0} ms; same month rows and report bytes; then an idle POST CloseMonth {idle[^1]:0} ms");
        }
        (app, raw, idle) = (app.Skip(1).ToList(), raw.Skip(1).ToList(), idle.Skip(1).ToList());
        static double Median(List<double> s) => s.Order().ElementAt(s.Count / 2);

        // (b) The catch-up on storage from before the index: budgeted runs against one unbounded run on a copy.
        var bounded = await SeedAsync(azurite.ConnectionString, "cmb" + Guid.NewGuid().ToString("N")[..6], ids, lastEnded.AddMonths(1 - months), lastEnded, 1, indexed: false);
        var whole = await SeedAsync(azurite.ConnectionString, "cmw" + Guid.NewGuid().ToString("N")[..6], ids, lastEnded.AddMonths(1 - months), lastEnded, 1, indexed: false);
        var runs = new List<(double Ms, string Last)>();
        var failed = 0;
        await using (var server = await BenchServer.StartAsync(azurite.ConnectionString, bounded.Prefix))
        {
            server.App.Services.GetRequiredService<TimerBudgets>().Duration = budget;
            while (true)
            {
                var sw = Stopwatch.StartNew();
                IReadOnlyList<string> logs;
                bool goesOn;
                try
                {
                    logs = await CloseMonthAsync(server.Http);
                    goesOn = logs.Any(l => l.StartsWith("Stopped at the time budget", StringComparison.Ordinal));
                }
                catch (InvalidOperationException ex) when (ex.Message.StartsWith("CloseMonth: 503", StringComparison.Ordinal))
                {
                    // Storage timed out under the machine's load: a run that failed half-way, which the next run continues.
                    (logs, goesOn) = (["failed with 503 (a storage timeout); the next run continues"], true);
                    failed++;
                }
                runs.Add((sw.Elapsed.TotalMilliseconds, logs[^1]));
                Console.WriteLine($"run {runs.Count}: {sw.Elapsed.TotalSeconds:0.0} s: {logs[^1]}");
                if (!goesOn) break;
                if (runs.Count > 100) throw new InvalidOperationException("the catch-up does not converge");
            }
        }
        double unbounded;
        await using (var server = await BenchServer.StartAsync(azurite.ConnectionString, whole.Prefix))
        {
            // In the server's process: over HTTP the bench's client gives up after 100 s.
            var sw = Stopwatch.StartNew();
            var logs = await server.App.Services.GetRequiredService<MonthCloser>().CloseEndedMonthsAsync(TimerBudget.Unbounded(TimeProvider.System), default);
            unbounded = sw.Elapsed.TotalMilliseconds;
            Console.WriteLine($"one unbounded run: {unbounded / 1000:0.0} s: {logs[^1]}");
        }
        var equal = await ClosedState.ReadAsync(bounded.Context, null) == await ClosedState.ReadAsync(whole.Context, null);

        Console.WriteLine();
        if (rounds > 0)
        {
            Console.WriteLine($"| CloseMonth of one ended month, {ids.Count:N0} markets × 2 trades | median of {rounds} (each) |");
            Console.WriteLine("|---|---|");
            Console.WriteLine($"| app: CloseMonth's month part (MonthCloser.CloseDueMonthsAsync in the server process) | {Median(app):0} ms ({string.Join(", ", app.Select(x => x.ToString("0", CultureInfo.InvariantCulture)))}) |");
            Console.WriteLine($"| raw Azure SDK, same reads and writes | {Median(raw):0} ms ({string.Join(", ", raw.Select(x => x.ToString("0", CultureInfo.InvariantCulture)))}) |");
            Console.WriteLine($"| ratio app / raw | **{Median(app) / Median(raw):0.00}×** |");
            Console.WriteLine($"| then `POST /admin/functions/CloseMonth` with nothing to close (the settling of due auctions first, then one read of the index state) | {Median(idle):0} ms |");
        }
        Console.WriteLine();
        Console.WriteLine($"catch-up of {months} months × {ids.Count:N0} markets (old storage: backfill + close), budget {budget.TotalSeconds:0} s: " +
                          $"{runs.Count} run(s) ({failed} failed with a storage timeout), {runs.Sum(r => r.Ms) / 1000:0.0} s in all (longest run {runs.Max(r => r.Ms) / 1000:0.0} s); " +
                          $"one unbounded run {unbounded / 1000:0.0} s; month rows, close states and report blobs {(equal ? "EQUAL" : "DIFFERENT")}");
        return equal ? 0 : 1;
    }

    private static List<MarketId> Markets(int count) => Enumerable.Range(0, count).Select(i => new MarketId(
        RegionCode.Parse(string.Create(CultureInfo.InvariantCulture, $"14{1 + i / 8 / 99 % 99:D2}{1 + i / 8 % 99:D2}")), Pollutants.All[i % 8])).ToList();

    private sealed record Seeded(string Prefix, StorageContext Context);

    /// <summary>
    /// Per market, one transaction: <paramref name="perMonth"/> trades in each month from <paramref name="from"/> to
    /// <paramref name="to"/> (trade row and its newest-first row) and the month counters they make; the market in the
    /// market list. <paramref name="indexed"/>: the close index as the app writes it (the months before the first are closed).
    /// </summary>
    private static async Task<Seeded> SeedAsync(string connectionString, string prefix, IReadOnlyList<MarketId> markets, ReportingMonth from, ReportingMonth to,
        int perMonth, bool indexed)
    {
        var storage = new StorageContext(new StorageOptions { ConnectionString = connectionString, Prefix = prefix, NetworkTimeout = TimeSpan.FromSeconds(60) });
        await storage.EnsureCreatedAsync();
        var sw = Stopwatch.StartNew();
        var seller = Holder.Of(CreditCode.FromBody("91110000BENCH0001"));
        var buyer = Holder.Of(CreditCode.FromBody("91110000BENCH0002"));
        var monthList = ReportingMonth.Range(from, to).ToList();
        await Bounded.SelectAsync(markets.ToList(), async market =>
        {
            await storage.Markets.UpsertEntityAsync(new TableEntity(TableLedger.MarketsPartition, market.Key) { ["Region"] = market.Region.Value, ["Pollutant"] = market.Pollutant.ToString() });
            var random = new Random(market.Key.GetHashCode(StringComparison.Ordinal) & 0xffff);
            var actions = new List<TableTransactionAction>();
            var sequence = 0L;
            var previous = Trade.GenesisHash;
            foreach (var month in monthList)
            {
                var trades = new List<Trade>();
                for (var t = 0; t < perMonth; t++)
                {
                    var grams = 1_000_000L * (1 + random.Next(9));
                    var price = 100_000L * (1 + random.Next(50));
                    var request = new TradeRequest(market, seller, buyer, Quantity.FromGrams(grams), Money.FromFen(price), 1, TradeMethod.Agreement,
                        month.Start.AddDays(1 + t).AddHours(3), Money.FromFen(grams / 1_000_000 * price), "bench");
                    var id = new TradeId(market, ++sequence);
                    var recordedAt = month.Start.AddDays(1 + t).AddHours(4);
                    var hash = Trade.ComputeHash(id, request, recordedAt, "bench", previous);
                    trades.Add(new Trade(id, request, recordedAt, "bench", previous, hash));
                    previous = hash;
                }
                foreach (var trade in trades)
                {
                    actions.Add(new TableTransactionAction(TableTransactionActionType.UpsertReplace, LedgerRows.TradeEntity(trade, LedgerRows.Trade(trade.Sequence))));
                    actions.Add(new TableTransactionAction(TableTransactionActionType.UpsertReplace, LedgerRows.TradeEntity(trade, LedgerRows.ByTime(market, trade.Request.TradedAt, trade.Sequence))));
                }
                actions.Add(new TableTransactionAction(TableTransactionActionType.UpsertReplace, LedgerRows.MonthEntity(market, MonthCounter.Of(month, trades))));
            }
            foreach (var chunk in actions.Chunk(99)) await storage.Ledger.SubmitTransactionAsync(chunk);
            return 0;
        }, 4, default);
        if (indexed)
        {
            foreach (var month in monthList)
                await Bounded.SelectAsync(markets.Chunk(100).ToList(), async chunk => (await storage.Closes.SubmitTransactionAsync(chunk.Select(m =>
                    new TableTransactionAction(TableTransactionActionType.UpsertMerge, new TableEntity(MonthIndex.Partition(month), m.Key))))).Value.Count, Bounded.DefaultConcurrency, default);
            await storage.Closes.UpsertEntityAsync(new TableEntity(MonthIndex.MetaPartition, "backfill") { ["Done"] = true });
            await storage.Closes.UpsertEntityAsync(new TableEntity(MonthIndex.MetaPartition, "cursor") { ["Through"] = from.Previous().ToString() });
        }
        Console.WriteLine($"seeded {prefix}: {markets.Count} markets × {monthList.Count} month(s) × {perMonth} trade(s) in {sw.Elapsed.TotalSeconds:0.0} s (SDK transactions, a market each)");
        return new Seeded(prefix, storage);
    }

    private static async Task<IReadOnlyList<string>> CloseMonthAsync(HttpClient http)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/admin/functions/CloseMonth") { Content = new StringContent(Payload, System.Text.Encoding.UTF8, "application/json") };
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"CloseMonth: {(int)response.StatusCode} {text}");
        return JObject.Parse(text)["logs"]!.Select(l => l.Value<string>()!).ToList();
    }

    /// <summary>
    /// What the app's close of one indexed month reads and writes, with the SDK alone and the same parallelism: the
    /// index state, the closed months, the closing mark, the month's index partition; per market the month row, its
    /// trades (newest-first range) and the month row written back closed under If-Match; the index rows marked closed
    /// (transactions of 100), the two report blobs, the closed mark and the cursor.
    /// </summary>
    private static async Task RawCloseAsync(StorageContext storage, ReportingMonth month)
    {
        await foreach (var _ in storage.Closes.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {MonthIndex.MetaPartition}"))) { }
        await foreach (var _ in storage.Closes.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {MonthFigures.ClosesPartition} and RowKey ge {month.ToString()} and RowKey le {month.ToString()}"))) { }
        await storage.Closes.AddEntityAsync(new TableEntity(MonthFigures.ClosesPartition, month.ToString()) { ["State"] = "closing", ["ClosingAt"] = DateTimeOffset.UtcNow });
        var markets = new List<MarketId>();
        await foreach (var e in storage.Closes.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {MonthIndex.Partition(month)}")))
            markets.Add(MarketId.TryParse(e.RowKey, out var m) ? m.Value : throw new InvalidOperationException(e.RowKey));
        var lines = new List<(MarketId Market, Totals Totals)>();
        foreach (var chunk in markets.OrderBy(m => m.Key, StringComparer.Ordinal).Chunk(100))
        {
            var closed = await Bounded.SelectAsync(chunk, async market =>
            {
                var row = (await storage.Ledger.GetEntityAsync<TableEntity>(market.Key, LedgerRows.Month(month))).Value;
                var counter = MonthCounter.Empty(month);
                var filter = TableClient.CreateQueryFilter(
                    $"PartitionKey eq {market.Key} and RowKey gt {LedgerRows.ByTimeBound(month.End) + ";"} and RowKey lt {LedgerRows.ByTimeBound(month.Start) + ";"}");
                await foreach (var t in storage.Ledger.QueryAsync<TableEntity>(filter)) counter = counter.With(LedgerRows.ToTrade(t));
                await storage.Ledger.UpdateEntityAsync(LedgerRows.MonthEntity(market, counter with { Closed = true }), row.ETag, TableUpdateMode.Replace);
                return (market, new Totals(counter.Trades, counter.Grams, counter.Fen));
            }, Bounded.DefaultConcurrency, default);
            await storage.Closes.SubmitTransactionAsync(closed.Select(c =>
            {
                var e = new TableEntity(MonthIndex.Partition(month), c.market.Key) { ["Closed"] = true, ["Trades"] = (long)c.Item2.Trades, ["Grams"] = (long)c.Item2.Grams, ["Fen"] = (long)c.Item2.Fen };
                return new TableTransactionAction(TableTransactionActionType.UpsertReplace, e);
            }));
            lines.AddRange(closed);
        }
        var report = MonthReport.Build(month, RegionPrefix.All, lines.Where(l => l.Totals.Trades > 0));
        await new ReportStore(storage).WriteAsync(report, default);
        await storage.Closes.UpsertEntityAsync(new TableEntity(MonthFigures.ClosesPartition, month.ToString())
        {
            ["State"] = "closed", ["ClosedAt"] = DateTimeOffset.UtcNow, ["ReportJson"] = ReportStore.BlobName(month, "json"), ["ReportCsv"] = ReportStore.BlobName(month, "csv"),
        }, TableUpdateMode.Merge);
        await storage.Closes.UpsertEntityAsync(new TableEntity(MonthIndex.MetaPartition, "cursor") { ["Through"] = month.ToString() }, TableUpdateMode.Replace);
    }
}

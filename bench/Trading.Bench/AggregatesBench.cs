using System.Diagnostics;
using System.Globalization;
using Azure.Data.Tables;
using Trading.Core.Ledger;
using Trading.Core.Primitives;
using Trading.Infra;
using Trading.Tests.Support;

namespace Trading.Bench;

/// <summary>
/// Does <c>GET /api/aggregates/period</c> grow with the number of trades? Loads the same markets and months with 1,000
/// and with 50,000 trades (separate tables on one Azurite), then times the endpoint over HTTP against two baselines
/// measured in the same run on the same tables: a raw Azure SDK point read (GetEntity of the market head) and a raw
/// SDK scan of the period's trades (what a design that sums trades on each request would pay).
/// </summary>
public static class AggregatesBench
{
    private static readonly MarketId[] s_markets =
    [
        new(RegionCode.Parse("131000"), Pollutant.SO2), new(RegionCode.Parse("131000"), Pollutant.NOx),
        new(RegionCode.Parse("131024"), Pollutant.VOCs), new(RegionCode.Parse("131081"), Pollutant.PM),
    ];

    public static async Task<int> RunAsync(string[] args)
    {
        var sizes = args.Length > 0 ? args.Select(a => int.Parse(a, CultureInfo.InvariantCulture)).ToArray() : [1_000, 50_000];
        var azurite = await Azurite.Shared;
        Console.WriteLine($"Azurite on 127.0.0.1:{azurite.TablePort}; {Environment.ProcessorCount} cores; sizes {string.Join(", ", sizes)}");
        var results = new List<string>();
        foreach (var size in sizes)
        {
            var prefix = "bench" + size;
            var storage = new StorageContext(new StorageOptions { ConnectionString = azurite.ConnectionString, Prefix = prefix });
            await storage.EnsureCreatedAsync();
            var load = Stopwatch.StartNew();
            await LoadAsync(storage, size);
            Console.WriteLine($"loaded {size} trades in {load.Elapsed.TotalSeconds:0.0} s");

            var server = await BenchServer.StartAsync(azurite.ConnectionString, prefix);
            var http = server.Http;
            const string path = "/api/aggregates/period?region=1310&from=2024-01&to=2024-06";
            var body = await http.GetStringAsync(path);

            var endpoint = await TimeAsync(async () => await http.GetStringAsync(path));
            var pointRead = await TimeAsync(async () => await storage.Ledger.GetEntityAsync<TableEntity>(s_markets[0].Key, "head"));
            // The same rows the endpoint reads, fetched with the raw SDK: each market's month rows from 2023-01 to 2024-06.
            var monthRows = await TimeAsync(async () => await Task.WhenAll(s_markets.Select(async m =>
            {
                var n = 0;
                var filter = TableClient.CreateQueryFilter($"PartitionKey eq {m.Key} and RowKey ge {"month:2023-01"} and RowKey le {"month:2024-06"}");
                await foreach (var _ in storage.Ledger.QueryAsync<TableEntity>(filter)) n++;
                return n;
            })));
            var scan = await TimeAsync(async () =>
            {
                long fen = 0;
                foreach (var m in s_markets)
                {
                    var filter = TableClient.CreateQueryFilter($"PartitionKey eq {m.Key} and RowKey gt {LedgerRows.ByTimeBound(new ReportingMonth(2024, 6).End) + ";"} and RowKey lt {LedgerRows.ByTimeBound(new ReportingMonth(2024, 1).Start) + ";"}");
                    await foreach (var e in storage.Ledger.QueryAsync<TableEntity>(filter, select: ["AmountFen"])) fen += e.GetInt64("AmountFen")!.Value;
                }
            }, iterations: size > 10_000 ? 10 : 40);
            await server.DisposeAsync();
            var line = $"| {size:N0} | {endpoint.Median:0.0} ms (p95 {endpoint.P95:0.0}) | {monthRows.Median:0.0} ms | **{endpoint.Median / monthRows.Median:0.00}x** | {pointRead.Median:0.00} ms | {scan.Median:0.0} ms ({scan.Median / monthRows.Median:0.0}x) |";
            results.Add(line);
            Console.WriteLine(line + "   " + body[..Math.Min(body.Length, 80)]);
        }
        Console.WriteLine();
        Console.WriteLine("| trades in the markets | GET aggregates/period, median | baseline: raw SDK query of the same month rows | period / baseline | raw SDK point read | raw SDK scan of the period's trades (x baseline) |");
        Console.WriteLine("|---|---|---|---|---|---|");
        foreach (var line in results) Console.WriteLine(line);
        return 0;
    }

    private static async Task<(double Median, double P95)> TimeAsync(Func<Task> action, int iterations = 200)
    {
        for (var i = 0; i < 10; i++) await action();
        var samples = new List<double>();
        for (var i = 0; i < iterations; i++)
        {
            var sw = Stopwatch.StartNew();
            await action();
            samples.Add(sw.Elapsed.TotalMilliseconds);
        }
        samples.Sort();
        return (samples[samples.Count / 2], samples[(int)(samples.Count * 0.95)]);
    }

    /// <summary>
    /// Writes the rows the ledger would write for <paramref name="count"/> trades (settled by the real core rules, in
    /// order), in 100-entity transactions: trade and newest-first rows, then the final heads, holdings and month counters.
    /// </summary>
    private static async Task LoadAsync(StorageContext storage, int count)
    {
        var random = new Random(42);
        var sellers = Enumerable.Range(0, 4).Select(i => Holder.Of(CreditCode.FromBody($"91131000BENCH{i:D4}"))).ToArray();
        var buyers = Enumerable.Range(0, 4).Select(i => Holder.Of(CreditCode.FromBody($"91131000BUYER{i:D4}"))).ToArray();
        var state = s_markets.ToDictionary(m => m, _ => (Head: MarketHead.Empty, Holdings: new Dictionary<Holder, Holding>(), Months: new Dictionary<ReportingMonth, MonthCounter>(), Rows: new List<TableEntity>()));
        var requests = Enumerable.Range(0, count).Select(i =>
        {
            var market = s_markets[random.Next(s_markets.Length)];
            var month = new ReportingMonth(2023, 1);
            for (var k = random.Next(24); k > 0; k--) month = month.Next();
            var tradedAt = month.Start.AddMinutes(random.Next(27 * 24 * 60));
            var quantity = Quantity.FromGrams(1_000 + random.Next(5_000_000));
            var price = Money.FromFen(10_000 + random.Next(500_000));
            var years = 1 + random.Next(5);
            return new TradeRequest(market, sellers[random.Next(4)], buyers[random.Next(4)], quantity, price, years, TradeMethod.Agreement,
                tradedAt, Amounts.TradeAmount(quantity, price, years), null);
        }).OrderBy(r => r.TradedAt).ToList();
        foreach (var r in requests)
        {
            var s = state[r.Market];
            var seller = s.Holdings.GetValueOrDefault(r.Seller) ?? new Holding(r.Seller, Quantity.FromGrams(1_000_000_000_000), Quantity.Zero, Quantity.Zero);
            var buyer = s.Holdings.GetValueOrDefault(r.Buyer) ?? Holding.Empty(r.Buyer);
            var month = s.Months.GetValueOrDefault(r.Month) ?? MonthCounter.Empty(r.Month);
            var snapshot = MarketSnapshot.Empty(r.Market) with
            {
                Holdings = new Dictionary<Holder, Versioned<Holding>> { [r.Seller] = new(seller, "v"), [r.Buyer] = new(buyer, "v") },
                Months = new Dictionary<ReportingMonth, Versioned<MonthCounter>> { [r.Month] = new(month, "v") },
            };
            var result = Settlement.Settle(r, snapshot, s.Head, r.TradedAt, "bench");
            foreach (var change in result.Changes)
            {
                if (change.Row is Holding h) s.Holdings[h.Holder] = h;
                else if (change.Row is MonthCounter m) s.Months[m.Month] = m;
            }
            s.Rows.Add(LedgerRows.TradeEntity(result.Trade, LedgerRows.Trade(result.Trade.Sequence)));
            s.Rows.Add(LedgerRows.TradeEntity(result.Trade, LedgerRows.ByTime(r.Market, r.TradedAt, result.Trade.Sequence)));
            state[r.Market] = s with { Head = result.Head };
        }
        foreach (var (market, s) in state)
        {
            s.Rows.Add(LedgerRows.HeadEntity(market, s.Head with { Allocated = Quantity.FromGrams(s.Holdings.Values.Sum(h => h.Held.Grams)) }));
            s.Rows.AddRange(s.Holdings.Values.Select(h => LedgerRows.HoldingEntity(market, h)));
            s.Rows.AddRange(s.Months.Values.Select(m => LedgerRows.MonthEntity(market, m)));
            await storage.Markets.UpsertEntityAsync(new TableEntity("market", market.Key) { ["Region"] = market.Region.Value, ["Pollutant"] = market.Pollutant.ToString() });
            foreach (var chunk in s.Rows.Chunk(100))
                await storage.Ledger.SubmitTransactionAsync(chunk.Select(e => new TableTransactionAction(TableTransactionActionType.Add, e)));
        }
    }
}

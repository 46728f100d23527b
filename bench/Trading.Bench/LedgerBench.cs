using System.Diagnostics;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Trading.Core.Primitives;
using Trading.Infra;
using Trading.Tests.Support;

namespace Trading.Bench;

/// <summary>
/// Trade submission over HTTP (validation, auth, the RecordTrade use case through MarketWriter), one at a time and 16 at
/// a time over 4 markets, against the raw Azure SDK doing the same storage work (6 parallel point reads, the key's
/// binding added, one 8-entity transaction) on the same Azurite in the same run.
/// </summary>
public static class LedgerBench
{
    private static readonly string[] s_markets = ["131000-SO2", "131000-NOx", "131024-VOCs", "131081-PM"];

    public static async Task<int> RunAsync(string[] args)
    {
        var count = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 400;
        var azurite = await Azurite.Shared;
        var prefix = "ledger" + Environment.ProcessId;
        await using var server = await BenchServer.StartAsync(azurite.ConnectionString, prefix);
        var http = server.Http;

        var seller = CreditCode.FromBody("91131000LEADER001").Value;
        var buyer = CreditCode.FromBody("91131000BUYER0001").Value;
        foreach (var code in new[] { seller, buyer })
            await BenchHttp.Send(http, HttpMethod.Put, $"/api/enterprises/{code}", $$"""{"name":"bench","region":"131000","industry":"Other","creditRating":"Green"}""");
        foreach (var market in s_markets)
        {
            var (region, pollutant) = (market[..6], market[7..]);
            await BenchHttp.Send(http, HttpMethod.Post, "/api/allocations", $$"""{"holder":"{{seller}}","region":"{{region}}","pollutant":"{{pollutant}}","quantity":1000000,"reference":"bench"}""",
                "bench-allocation-" + market);
        }
        var n = 0;
        Task Trade(string market) => BenchHttp.Send(http, HttpMethod.Post, "/api/trades",
            $$"""{"region":"{{market[..6]}}","pollutant":"{{market[7..]}}","seller":"{{seller}}","buyer":"{{buyer}}","quantity":1.5,"unitPrice":5000,"termYears":3,"method":"Agreement","tradedAt":"{{DateTimeOffset.UtcNow.AddMinutes(-1):yyyy-MM-dd'T'HH:mm:ssK}}"}""",
            $"bench-{Interlocked.Increment(ref n)}");

        var storage = server.App.Services.GetRequiredService<StorageContext>();
        var raw = 0;
        var background = new System.Collections.Concurrent.ConcurrentBag<Task>();
        // The storage work of one live trade (dated in the current month, which cannot be closing), as the API does it:
        // - the key's binding across markets read beside 5 rows of the market (head, seller, buyer, month, idempotency);
        // - before the commit, together: the binding added, the month's pending rollup mark added, the loan-match dirty
        //   marks of the seller, the buyer and the market upserted;
        // - one 8-entity transaction (trade, its by-time row, head, two holdings, month, idempotency and audit records)
        //   with the head under If-Match: on a lost race (412) it reads and commits again, as any correct ledger must;
        // - after the answer, in the background: the three match marks touched again, and the copy into the region
        //   rollups (the country's partition: copy mark and totals read, the counter read, a 2-row transaction; the
        //   province's: copy mark and 3 totals read, the counter read, a 4-row transaction), then the pending mark deleted.
        async Task RawTrade(string market)
        {
            var i = Interlocked.Increment(ref raw);
            var pk = "raw-" + market;
            var marked = false;
            string[] matchKeys = ["f:seller", "f:buyer", "m:" + market];
            Azure.Response? mark = null;
            for (var attempt = 1; ; attempt++)
            {
                var reads = Enumerable.Range(0, 5).Select(k => storage.Ledger.GetEntityIfExistsAsync<TableEntity>(pk, $"r{k}")).ToList();
                await Task.WhenAll(reads.Cast<Task>().Append(storage.Idempotency.GetEntityIfExistsAsync<TableEntity>("raw-key-" + i, "")));
                var head = reads[0].Result;
                if (!marked)
                {
                    var markTask = storage.RollupMarks.AddEntityAsync(new TableEntity("praw", $"{pk}|{i}") { ["At"] = DateTimeOffset.UtcNow });
                    await Task.WhenAll(matchKeys.Select(k => (Task)storage.MatchState.UpsertEntityAsync(new TableEntity("rawdirty", k), TableUpdateMode.Replace))
                        .Append(storage.Idempotency.AddEntityAsync(new TableEntity("raw-key-" + i, "") { ["Fingerprint"] = new string('f', 64) }))
                        .Append(markTask));
                    mark = markTask.Result;
                    marked = true;
                }
                var actions = Enumerable.Range(0, 8).Select(k =>
                {
                    var e = new TableEntity(pk, k < 2 ? $"t{i}-{k}" : k == 7 ? $"audit{i}" : k == 2 ? "r0" : $"r{k}") { ["Grams"] = 1_500_000L, ["Fen"] = 2_250_000L, ["Hash"] = new string('a', 64) };
                    return k == 2 && head.HasValue
                        ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, e, head.Value!.ETag)
                        : k == 2 ? new TableTransactionAction(TableTransactionActionType.Add, e) : new TableTransactionAction(TableTransactionActionType.UpsertReplace, e);
                }).ToList();
                try
                {
                    await storage.Ledger.SubmitTransactionAsync(actions);
                    break;
                }
                catch (TableTransactionFailedException ex) when (ex.Status is 409 or 412 && attempt < 100)
                {
                    await Task.Delay(Random.Shared.Next(1, 5 * Math.Min(attempt, 40)));
                }
            }
            var etag = mark!.Headers.ETag ?? Azure.ETag.All;
            background.Add(Task.Run(async () =>
            {
                await Task.WhenAll(matchKeys.Select(k => storage.MatchState.UpsertEntityAsync(new TableEntity("rawdirty", k), TableUpdateMode.Replace)));
                foreach (var (partition, rows) in new[] { ("rawall", new[] { "m", "t" }), ("rawp13", new[] { "m", "t2", "t4", "t6" }) })
                {
                    await Task.WhenAll(rows.Select(r => storage.Rollups.GetEntityIfExistsAsync<TableEntity>(partition, r + market)));
                    await storage.Ledger.GetEntityIfExistsAsync<TableEntity>(pk, "r5");
                    await storage.Rollups.SubmitTransactionAsync(rows.Select(r => new TableTransactionAction(TableTransactionActionType.UpsertReplace,
                        new TableEntity(partition, r + market) { ["Trades"] = (long)i, ["Grams"] = 1_500_000L * i, ["Fen"] = 2_250_000L * i })));
                }
                await storage.RollupMarks.DeleteEntityAsync("praw", $"{pk}|{i}", etag);
            }));
        }

        for (var i = 0; i < 20; i++) { await Trade(s_markets[0]); await RawTrade(s_markets[0]); }
        var (apiMedian, apiP95) = await BenchHttp.Latency(() => Trade(s_markets[0]), count);
        var (rawMedian, rawP95) = await BenchHttp.Latency(() => RawTrade(s_markets[0]), count);
        var apiRate = await BenchHttp.Throughput(Trade, count, s_markets);
        var rawRate = await BenchHttp.Throughput(RawTrade, count, s_markets);
        // One hot market: 16 clients on one market (one partition).
        var apiHot = await BenchHttp.Throughput(Trade, count, [s_markets[1]]);
        var rawHot = await BenchHttp.Throughput(RawTrade, count, [s_markets[1]]);

        await Task.WhenAll(background);
        Console.WriteLine("| measure | POST /api/trades | raw SDK: the same storage work (6 reads; binding, rollup and match marks; 8-entity transaction, head under If-Match; in the background the rollup copy and mark touches) | ratio |");
        Console.WriteLine("|---|---|---|---|");
        Console.WriteLine($"| latency, one at a time (median / p95) | {apiMedian:0.0} / {apiP95:0.0} ms | {rawMedian:0.0} / {rawP95:0.0} ms | {apiMedian / rawMedian:0.00}× |");
        Console.WriteLine($"| throughput, 16 concurrent over 4 markets | {apiRate:0} trades/s | {rawRate:0} /s | {apiRate / rawRate:0.00}× |");
        Console.WriteLine($"| throughput, 16 concurrent on one hot market | {apiHot:0} trades/s | {rawHot:0} /s | {apiHot / rawHot:0.00}× |");
        return 0;
    }
}

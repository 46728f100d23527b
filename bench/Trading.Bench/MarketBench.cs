using System.Diagnostics;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Trading.Core.Access;
using Trading.Core.Ledger;
using Trading.Core.Ledger.UseCases;
using Trading.Core.Market;
using Trading.Core.Market.UseCases;
using Trading.Core.Primitives;
using Trading.Infra;
using Trading.Tests.Support;

namespace Trading.Bench;

/// <summary>
/// <c>POST /api/listings/{id}/take</c> over HTTP against the raw Azure SDK doing the same storage work, and
/// <c>CloseAuctions</c> settling an auction of <c>winners</c> winning bids against the raw SDK committing one transaction
/// per winner, on the same Azurite in the same run.
/// </summary>
public static class MarketBench
{
    private static readonly string[] s_markets = ["131000-SO2", "131000-NOx", "131024-VOCs", "131081-PM"];

    public static async Task<int> RunAsync(string[] args)
    {
        var takes = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 300;
        var winners = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 500;
        var azurite = await Azurite.Shared;
        await using var server = await BenchServer.StartAsync(azurite.ConnectionString, "market" + Environment.ProcessId);
        var http = server.Http;
        var storage = server.App.Services.GetRequiredService<StorageContext>();
        var writer = server.App.Services.GetRequiredService<MarketWriter>();

        // Takes: one seller lists a large quantity in each of 4 markets; a buyer takes 1 t at a time.
        var seller = CreditCode.FromBody("91131000MA1ER0001").Value;
        var buyer = CreditCode.FromBody("91131000BUYER0001").Value;
        foreach (var code in new[] { seller, buyer })
            await BenchHttp.Send(http, HttpMethod.Put, $"/api/enterprises/{code}", $$"""{"name":"bench","region":"131000","industry":"Other","creditRating":"Green"}""");
        var listings = new Dictionary<string, string>();
        foreach (var market in s_markets)
        {
            var (region, pollutant) = (market[..6], market[7..]);
            await BenchHttp.Send(http, HttpMethod.Post, "/api/allocations", $$"""{"holder":"{{seller}}","region":"{{region}}","pollutant":"{{pollutant}}","quantity":1000000,"reference":"bench"}""", "a-" + market);
            var listing = await writer.ExecuteAsync(new PostListing(new ListingRequest(MarketId.TryParse(market, out var m) ? m.Value : default,
                Holder.Parse(seller), Quantity.FromGrams(900_000 * Quantity.GramsPerTonne), Money.FromFen(500_000), 3, Quantity.FromGrams(Quantity.GramsPerTonne), null)),
                Principal.Enterprise(CreditCode.Parse(seller)), "l-" + market, l => l.Id, null, CancellationToken.None);
            listings[market] = listing.Answer!.Id;
        }
        var buyerKey = $"bench-buyer-{Environment.ProcessId}";
        await server.App.Services.GetRequiredService<ApiKeyStore>().RegisterAsync(buyerKey, Principal.Enterprise(CreditCode.Parse(buyer)), "bench", CancellationToken.None);
        using var buyerHttp = new HttpClient { BaseAddress = http.BaseAddress };
        buyerHttp.DefaultRequestHeaders.Add("X-Api-Key", buyerKey);
        var n = 0;
        Task Take(string market) => BenchHttp.Send(buyerHttp, HttpMethod.Post, $"/api/listings/{listings[market]}/take", """{"quantity":1}""", $"take-{Interlocked.Increment(ref n)}");

        var raw = 0;
        async Task RawTake(string market)
        {
            var i = Interlocked.Increment(ref raw);
            var pk = "raw-" + market;
            // A take's storage work: the key's binding read beside head, idempotency and listing; then both holdings, the
            // month and the day; the binding added; one 11-entity transaction (listing, trade, its index row, both
            // holdings, month, day, head, idempotency record, two audit records).
            await Task.WhenAll(Enumerable.Range(0, 3).Select(k => storage.Ledger.GetEntityIfExistsAsync<TableEntity>(pk, $"r{k}"))
                .Append(storage.Idempotency.GetEntityIfExistsAsync<TableEntity>("raw-take-" + i, "")));
            await Task.WhenAll(Enumerable.Range(3, 4).Select(k => storage.Ledger.GetEntityIfExistsAsync<TableEntity>(pk, $"r{k}")));
            await storage.Idempotency.AddEntityAsync(new TableEntity("raw-take-" + i, "") { ["Fingerprint"] = new string('f', 64) });
            await storage.Ledger.SubmitTransactionAsync(Enumerable.Range(0, 11).Select(k => new TableTransactionAction(TableTransactionActionType.UpsertReplace,
                new TableEntity(pk, k < 4 ? $"t{i}-{k}" : $"r{k}") { ["Grams"] = 1_000_000L, ["Fen"] = 1_500_000L, ["Hash"] = new string('a', 64) })));
        }

        for (var i = 0; i < 20; i++) { await Take(s_markets[0]); await RawTake(s_markets[0]); }
        var (apiMedian, apiP95) = await BenchHttp.Latency(() => Take(s_markets[0]), takes);
        var (rawMedian, rawP95) = await BenchHttp.Latency(() => RawTake(s_markets[0]), takes);
        var apiRate = await BenchHttp.Throughput(Take, takes, s_markets);
        var rawRate = await BenchHttp.Throughput(RawTake, takes, s_markets);

        // CloseAuctions: an auction of `winners` t with one 1 t bid per bidder, all winning.
        var nox = new MarketId(RegionCode.Parse("131082"), Pollutant.NOx);
        await writer.ExecuteAsync(new Allocate(new AllocationRequest(nox, Holder.Reserve, Quantity.FromGrams(winners * Quantity.GramsPerTonne), "bench")),
            Principal.Admin, "auction-reserve", a => a.Id, null, CancellationToken.None);
        var now = DateTimeOffset.UtcNow;
        var closesAt = now.AddSeconds(Math.Max(15, winners / 25));
        var auction = (await writer.ExecuteAsync(new CreateAuction(new AuctionRequest(nox, Quantity.FromGrams(winners * Quantity.GramsPerTonne), 5,
            Money.FromFen(2_100_000), Money.FromFen(50_000), Quantity.FromGrams(Quantity.GramsPerTonne), now, closesAt)), Principal.Admin, "auction", a => a.Id, null,
            CancellationToken.None)).Answer!;
        await Parallel.ForEachAsync(Enumerable.Range(0, winners), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, ct) =>
        {
            var bidder = Holder.Of(CreditCode.FromBody($"91131000B{i:D8}"));
            await writer.ExecuteAsync(new PlaceBid(nox, auction.Number, bidder, Quantity.FromGrams(Quantity.GramsPerTonne), Money.FromFen(2_100_000 + 50_000 * (i % 40))),
                Principal.Enterprise(bidder.Enterprise!.Value), "bid", b => "", null, ct);
        });
        while (DateTimeOffset.UtcNow < closesAt.AddMilliseconds(100)) await Task.Delay(100);
        var close = Stopwatch.StartNew();
        await BenchHttp.Send(http, HttpMethod.Post, "/admin/functions/CloseAuctions", """{"input":""}""");
        var closeTime = close.Elapsed;
        var settled = await server.App.Services.GetRequiredService<TableLedger>().GetAuctionAsync(nox, auction.Number, CancellationToken.None);
        if (settled is not { Status: AuctionStatus.Closed } || settled.Settled != winners) throw new InvalidOperationException("the auction did not settle every winner");

        // The raw SDK committing the same outcome one transaction per winner (trade, index row, holding, bid, 2 audit
        // records, auction, reserve, month, day, head: 11 entities), and batched as the closer does (12 winners each).
        async Task<TimeSpan> RawSettle(int perTransaction)
        {
            var pk = $"raw-auction-{perTransaction}";
            var watch = Stopwatch.StartNew();
            for (var first = 0; first < winners; first += perTransaction)
            {
                var count = Math.Min(perTransaction, winners - first);
                await storage.Ledger.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {nox.Key} and RowKey ge {"bid:"} and RowKey lt {"bid;"}"))
                    .AsPages().GetAsyncEnumerator().MoveNextAsync();
                var entities = Enumerable.Range(first, count).SelectMany(w => Enumerable.Range(0, 6).Select(k => $"w{w}-{k}"))
                    .Concat(Enumerable.Range(0, 5).Select(k => $"shared{k}"))
                    .Select(rk => new TableTransactionAction(TableTransactionActionType.UpsertReplace, new TableEntity(pk, rk) { ["Grams"] = 1_000_000L, ["Hash"] = new string('a', 64) }));
                await storage.Ledger.SubmitTransactionAsync(entities);
            }
            return watch.Elapsed;
        }
        var rawOne = await RawSettle(1);
        var rawBatched = await RawSettle(SettleAuction.MaxWinnersPerStep);

        Console.WriteLine("| measure | the app | raw SDK, same storage work | ratio |");
        Console.WriteLine("|---|---|---|---|");
        Console.WriteLine($"| take, one at a time (median / p95) | {apiMedian:0.0} / {apiP95:0.0} ms | {rawMedian:0.0} / {rawP95:0.0} ms | {apiMedian / rawMedian:0.00}× |");
        Console.WriteLine($"| takes, 16 concurrent over 4 listings | {apiRate:0} /s | {rawRate:0} /s | {apiRate / rawRate:0.00}× |");
        Console.WriteLine($"| CloseAuctions, {winners} winners | {closeTime.TotalSeconds:0.00} s | {rawOne.TotalSeconds:0.00} s ({winners} transactions, one per winner) | {closeTime / rawOne:0.00}× |");
        Console.WriteLine($"| CloseAuctions, {winners} winners | {closeTime.TotalSeconds:0.00} s | {rawBatched.TotalSeconds:0.00} s ({(winners + SettleAuction.MaxWinnersPerStep - 1) / SettleAuction.MaxWinnersPerStep} transactions of {SettleAuction.MaxWinnersPerStep} winners, each after a read of the bids) | {closeTime / rawBatched:0.00}× |");
        return 0;
    }
}

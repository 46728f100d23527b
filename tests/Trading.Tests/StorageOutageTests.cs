using System.Diagnostics;
using Azure.Data.Tables;
using Trading.Infra;
using Trading.Tests.Support;

namespace Trading.Tests;

/// <summary>Storage stopped during a burst of trades and started again on the same data.</summary>
public sealed class StorageOutageTests
{
    [Fact]
    public async Task Azurite_stopped_mid_burst_gives_only_503_with_Retry_After_and_every_invariant_holds_after_it_returns()
    {
        var blobPort = Azurite.FreePort();
        var tablePort = Azurite.FreePort();
        var queuePort = Azurite.FreePort();
        var data = Directory.CreateTempSubdirectory("trading-outage-");
        var azurite = await Azurite.StartAsync(blobPort, tablePort, data.FullName, queuePort);
        var connection = Azurite.ConnectionStringFor(blobPort, tablePort, queuePort);
        var prefix = "o" + Guid.NewGuid().ToString("N")[..10];
        await using var server = await TestServer.StartAsync(connection, prefix, ApiFixture.AdminKey, null, "--Trading:StorageTimeout=00:00:05");
        using var admin = server.Client(ApiFixture.AdminKey);
        admin.Timeout = TimeSpan.FromSeconds(30);
        try
        {
            var firms = new List<string>();
            for (var i = 0; i < 4; i++)
            {
                var code = ApiFixture.NewCreditCode("131000").Value;
                (await admin.PutJsonAsync($"/api/enterprises/{code}", new { name = "停机测试 " + i, region = "131000", industry = "Other", grade = "Ungraded", positiveList = false, creditRating = "Blue" })).Expect(201);
                firms.Add(code);
            }
            string[] markets = ["SO2", "NOx", "VOCs"];
            foreach (var pollutant in markets)
                (await admin.PostJsonAsync("/api/allocations", new { holder = firms[0], region = "131000", pollutant, quantity = 1000m, reference = "outage" }, ApiFixture.Key("a-" + pollutant))).Expect(201);

            var requests = Enumerable.Range(0, 240).Select(i => (Key: $"burst-{i}", Body: ApiFixture.Trade(firms[0], firms[1 + i % 3], 1m + i % 3, 100m, 1, "131000", markets[i % 3],
                DateTimeOffset.UtcNow.AddMinutes(-1).ToString("yyyy-MM-dd'T'HH:mm:ssK")))).ToList();
            var results = new (int Status, string? RetryAfter, TimeSpan Took)[requests.Count];
            var next = -1;
            var outage = Task.Run(async () =>
            {
                await Task.Delay(700);
                await azurite.StopAsync();
                await Task.Delay(2500);
                azurite = await Azurite.StartAsync(blobPort, tablePort, data.FullName, queuePort);
            });
            await Task.WhenAll(Enumerable.Range(0, 16).Select(async _ =>
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < requests.Count)
                {
                    var watch = Stopwatch.StartNew();
                    var reply = await admin.PostJsonAsync("/api/trades", requests[i].Body, ApiFixture.Key(requests[i].Key));
                    results[i] = (reply.Status, reply.Header("Retry-After"), watch.Elapsed);
                    await Task.Delay(15);
                }
            }));
            await outage;

            Assert.All(results, r => Assert.True(r.Status is 201 or 409 or 503, $"status {r.Status}"));
            Assert.Contains(results, r => r.Status == 503);
            Assert.All(results.Where(r => r.Status == 503), r => Assert.False(string.IsNullOrEmpty(r.RetryAfter)));
            Assert.All(results, r => Assert.True(r.Took < TimeSpan.FromSeconds(30), $"a request took {r.Took}"));

            // Storage is back: every refused request, retried with its key, is answered; a retry never has a second effect.
            var accepted = new Dictionary<string, string>();
            for (var i = 0; i < requests.Count; i++)
            {
                Reply reply;
                var attempts = 0;
                do reply = await admin.PostJsonAsync("/api/trades", requests[i].Body, ApiFixture.Key(requests[i].Key));
                while (reply.Status == 503 && ++attempts < 30 && await Delay());
                Assert.True(reply.Status is 201 or 409, reply.ToString());
                if (reply.Status == 201) accepted[requests[i].Key] = reply.Body["id"]!.Value<string>()!;
            }

            var storage = new StorageContext(new StorageOptions { ConnectionString = connection, Prefix = prefix });
            foreach (var pollutant in markets)
            {
                var rows = new List<TableEntity>();
                await foreach (var e in storage.Ledger.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {"131000-" + pollutant}"))) rows.Add(e);
                var holdings = rows.Where(r => r.RowKey.StartsWith("holding:", StringComparison.Ordinal)).ToList();
                var trades = rows.Where(r => r.RowKey.StartsWith("trade:", StringComparison.Ordinal)).ToList();
                var head = rows.Single(r => r.RowKey == "head");
                Assert.All(holdings, h => Assert.True(h.GetInt64("HeldGrams") >= 0));
                Assert.Equal(head.GetInt64("AllocatedGrams"), holdings.Sum(h => h.GetInt64("HeldGrams")!.Value));
                Assert.Equal(head.GetInt64("Sequence"), trades.Count);
                Assert.Equal(accepted.Values.Count(id => id.StartsWith("131000-" + pollutant + "-", StringComparison.Ordinal)), trades.Count);
                foreach (var month in trades.GroupBy(t => t.GetString("Month")))
                {
                    var counter = rows.Single(r => r.RowKey == "month:" + month.Key);
                    Assert.Equal(month.Count(), counter.GetInt64("Trades"));
                    Assert.Equal(month.Sum(t => t.GetInt64("AmountFen")!.Value), counter.GetInt64("Fen"));
                }
                Assert.Equal(head.GetInt64("AuditCount"), rows.Count(r => r.RowKey.StartsWith("audit:", StringComparison.Ordinal)));
                Assert.True((await admin.GetJsonAsync($"/api/markets/131000-{pollutant}/verify")).Expect(200).Body["valid"]!.Value<bool>());
            }
        }
        finally
        {
            await azurite.DisposeAsync();
            try { data.Delete(recursive: true); } catch (IOException) { }
        }
    }

    private static async Task<bool> Delay()
    {
        await Task.Delay(500);
        return true;
    }
}

using Azure.Data.Tables;
using Azure.Storage.Queues;
using Trading.Infra;
using Trading.Tests.Support;

namespace Trading.Tests;

/// <summary>
/// The outbox copiers remember what they wrote (decision 0010, "What a copier remembers"): each partition's cursor and
/// each recipient's inbox count. Two instances copying the same partition and the same inboxes in turn make each other's
/// memory stale; a stale memory costs a failed write and a read, never an event or an audit record sent twice or left out.
/// </summary>
public sealed class OutboxMemoryTests : IAsyncLifetime
{
    private readonly ApiFixture _api = new();

    public Task InitializeAsync() => _api.InitializeAsync();

    public Task DisposeAsync() => _api.DisposeAsync();

    [Fact]
    public async Task Two_instances_copying_in_turn_send_every_event_and_audit_record_once()
    {
        await using var other = await _api.StartServerAsync();
        var seller = (await _api.RegisterEnterpriseAsync("131000")).Value;
        var buyer = (await _api.RegisterEnterpriseAsync("131000")).Value;
        await _api.AllocateAsync(seller, 100m, "131000", "SO2");
        var tradedAt = DateTimeOffset.UtcNow.AddMinutes(-1).ToString("yyyy-MM-dd'T'HH:mm:ssK");
        var trades = 0;
        // One trade, then two (one event per recipient a copy, then two: both inbox paths), each time copied by the instance
        // that did not copy the last ones, twice (the second copy finds nothing new).
        var turns = new[] { _api.Server, other, _api.Server, other, _api.Server, other };
        for (var turn = 0; turn < turns.Length; turn++)
        {
            var server = turns[turn];
            using var admin = server.Client(ApiFixture.AdminKey);
            for (var k = 0; k <= turn % 2; k++)
                (await admin.PostJsonAsync("/api/trades", ApiFixture.Trade(seller, buyer, 1m, 500m, 1, "131000", "SO2", tradedAt), ApiFixture.Key($"memory-{++trades}")))
                    .Expect(201);
            for (var copy = 0; copy < 2; copy++)
            {
                await server.Services.GetRequiredService<EventOutbox>().CopyAsync(CancellationToken.None);
                await server.Services.GetRequiredService<AuditTrail>().CopyAsync(CancellationToken.None);
            }
        }

        var head = (await _api.Storage.Ledger.GetEntityAsync<TableEntity>("131000-SO2", "head")).Value;
        var events = head.GetInt64("EventCount")!.Value;
        var records = head.GetInt64("AuditCount")!.Value;
        Assert.Equal(events, (await _api.Storage.Ledger.GetEntityAsync<TableEntity>("131000-SO2", "eventcursor")).Value.GetInt64("Copied"));
        Assert.Equal(records, (await _api.Storage.Ledger.GetEntityAsync<TableEntity>("131000-SO2", "auditcursor")).Value.GetInt64("Copied"));

        // The queue: every event of the market once.
        var queue = new QueueClient(_api.Azurite.ConnectionString, _api.Prefix + "trading-events");
        var queued = new List<JObject>();
        while ((await queue.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(10))).Value is { Length: > 0 } batch)
            queued.AddRange(batch.Select(m => JObject.Parse(m.Body.ToString())));
        var fromMarket = queued.Where(e => e["source"]!.Value<string>() == "/trading/ledger/131000-SO2").Select(e => e["id"]!.Value<string>()!).ToList();
        Assert.Equal(events, fromMarket.Count);
        Assert.Equal(fromMarket.Count, fromMarket.Distinct(StringComparer.Ordinal).Count());

        // Each inbox: every event once, numbered 1..count, the count row agreeing; each trade settled for both parties.
        foreach (var recipient in new[] { "enterprise:" + seller, "enterprise:" + buyer })
        {
            var rows = new List<TableEntity>();
            await foreach (var row in _api.Storage.Inbox.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {recipient}"))) rows.Add(row);
            var seqs = rows.Where(r => r.RowKey.StartsWith("seq:", StringComparison.Ordinal)).ToList();
            Assert.Equal(seqs.Count, rows.Single(r => r.RowKey.StartsWith("~count:", StringComparison.Ordinal)).GetInt64("Count"));
            Assert.Equal(Enumerable.Range(1, seqs.Count).Select(n => (long)n), seqs.Select(s => long.Parse(s.RowKey[4..], System.Globalization.CultureInfo.InvariantCulture)));
            Assert.Equal(seqs.Count, seqs.Select(s => s.GetString("EventId")).Distinct(StringComparer.Ordinal).Count());
            Assert.Equal(seqs.Count, rows.Count(r => r.RowKey.StartsWith("id:", StringComparison.Ordinal)));
            Assert.Equal(trades, seqs.Count(s => s.GetString("Type") == "trade.settled"));
        }

        // The audit trail: every record of the market once.
        var audit = _api.Server.Services.GetRequiredService<AuditTrail>();
        var today = DateOnly.FromDateTime(DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(8)).DateTime);
        var numbers = (await audit.ReadDayAsync(today, CancellationToken.None)).Concat(await audit.ReadDayAsync(today.AddDays(-1), CancellationToken.None))
            .Select(JObject.Parse).Where(l => l["market"]?.Value<string>() == "131000-SO2").Select(l => l["number"]!.Value<long>()).Order().ToList();
        Assert.Equal(Enumerable.Range(1, (int)records).Select(n => (long)n), numbers);
    }
}

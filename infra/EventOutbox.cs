using System.Collections.Concurrent;
using Azure;
using Azure.Data.Tables;
using Newtonsoft.Json.Linq;
using Trading.Core.Primitives;
using Trading.Core.Writes;

namespace Trading.Infra;

/// <summary>
/// The events outbox (api.md "Events and inbox"). Every change written through the shell writes its events in its own
/// transaction (rows <c>event:{n}</c> of its partition, numbered by the head's <c>EventCount</c>) and marks its partition
/// pending (<see cref="EventMarks"/>); <see cref="CopyAsync"/> (timer <c>CopyEvents</c>) then sends the events of marked
/// partitions, each as a CloudEvents 1.0 JSON message on the queue <c>trading-events</c> and into its recipient's inbox,
/// with the partition's <c>eventcursor</c> claiming each range before it is sent (<see cref="OutboxCursor"/>). The inbox
/// (table <c>inbox</c>, one partition per recipient) numbers events in the order they are delivered: a row
/// <c>seq:{n}</c> with the event, a row <c>id:{event id}</c> naming its number, and the count row, written in one
/// transaction under If-Match on the count. So a reader paging with <c>after</c> never misses an event that was copied
/// after it read on, even one dated earlier (partitions are copied separately); and a copier that dies between delivering
/// and moving the cursor delivers that range again into nothing (the <c>id:</c> row is there). The queue may carry a
/// repeat (consumers drop repeats by <c>id</c>: delivery is at least once, as api.md says). The JSON is written here by hand (eight members; the data is
/// already the rendered JSON of the resource), not with CloudNative.CloudEvents, whose JSON formatters need another JSON stack.
/// </summary>
public sealed class EventOutbox(StorageContext storage, EventMarks marks)
{
    /// <summary>Events per claimed range.</summary>
    public const int BatchSize = 100;

    /// <summary>The partitions' <c>eventcursor</c> rows, as this process last knew them.</summary>
    private readonly OutboxCursor _cursors = new();

    /// <summary>Sends the new events of every partition with a pending mark (with a <paramref name="budget"/>: one partition per step); answers how many it sent.</summary>
    public Task<long> CopyAsync(CancellationToken ct, TimerBudget? budget = null) =>
        marks.CopyPendingAsync((book, partition) => CopyPartitionAsync(book, partition, ct), (book, partition) => UncopiedAsync(book, partition, ct), ct, budget);

    /// <summary>True when the partition's head counts events beyond its cursor.</summary>
    private Task<bool> UncopiedAsync(string book, string partition, CancellationToken ct)
    {
        var layout = BookLayout.Of(book);
        return _cursors.UncopiedAsync(storage.BookTable(book), partition, layout.Head(partition), "EventCount", layout.EventCursor(partition), ct);
    }

    /// <summary>Sends one partition's new events, in order.</summary>
    public Task<long> CopyPartitionAsync(string book, string partition, CancellationToken ct)
    {
        var table = storage.BookTable(book);
        var layout = BookLayout.Of(book);
        return _cursors.CopyAsync(table, partition, layout.Head(partition), "EventCount", layout.EventCursor(partition), n => layout.Event(partition, n), BatchSize,
            async (_, rows) =>
        {
            var events = rows.Select(row => LedgerRows.ToEvent(partition, row)).Select(e => (Event: e, Json: CloudEvent(e, book))).ToList();
            // Each recipient's events of the range into its inbox, in their order, a transaction at a time; then onto the queue in order.
            foreach (var recipient in events.GroupBy(e => e.Event.Recipient, StringComparer.Ordinal))
                foreach (var chunk in recipient.Chunk(MaxPerDelivery))
                    await DeliverManyAsync(recipient.Key, chunk, ct);
            foreach (var (_, json) in events) await storage.Events.SendMessageAsync(json, ct);
        }, storage.OutboxClaimLease, ct);
    }

    /// <summary>Events per inbox transaction: two rows each (<c>id:</c>, <c>seq:</c>) and the count row, within the service's 100.</summary>
    private const int MaxPerDelivery = 49;

    /// <summary>
    /// Appends events to one recipient's inbox in one transaction (the count read, then every event's <c>id:</c> and
    /// <c>seq:</c> rows added and the count moved under If-Match). An event delivered before (a copier that died before
    /// its cursor moved) makes the transaction fail on its <c>id:</c> row: then they go one by one, each once. The count
    /// this process last wrote is not read again (<see cref="_counts"/>): a count moved since fails the transaction on a
    /// <c>seq:</c> row or on its If-Match, and is then read.
    /// </summary>
    private async Task DeliverManyAsync(string recipient, IReadOnlyList<(EventRecord Event, string Json)> events, CancellationToken ct)
    {
        if (events.Count == 1)
        {
            await DeliverAsync(events[0].Event, events[0].Json, ct);
            return;
        }
        for (var attempt = 1; ; attempt++)
        {
            var (n, etag) = await CountAsync(recipient, ct);
            var actions = new List<TableTransactionAction>();
            foreach (var (e, json) in events)
            {
                n = checked(n + 1);
                actions.Add(new(TableTransactionActionType.Add, new TableEntity(recipient, IdRow(e.Id)) { ["Seq"] = n }));
                actions.Add(new(TableTransactionActionType.Add, new TableEntity(recipient, SeqRow(n)) { ["EventId"] = e.Id, ["Type"] = e.Type, ["Event"] = json }));
            }
            actions.Add(CountAction(recipient, n, etag));
            try
            {
                await SubmitAsync(recipient, actions, n, ct);
                return;
            }
            catch (TableTransactionFailedException ex) when (ex.Status == 409 && (ex.FailedTransactionActionIndex is not { } i || (i < actions.Count - 1 && i % 2 == 0)))
            {
                // An event's id: row is there (or the service did not say which row): delivered before, by a copier that died
                // before its cursor moved. One by one, each once.
                foreach (var (e, json) in events) await DeliverAsync(e, json, ct);
                return;
            }
            catch (TableTransactionFailedException ex) when (ex.Status is 404 or 409 or 412 && attempt < 40)
            {
                // Another copier delivered to this recipient meanwhile (its seq: rows, its count): read the count again.
                await Task.Delay(Random.Shared.Next(2, 20), ct);
            }
        }
    }

    /// <summary>Inbox counts remembered at most (beyond this the memory is cleared and rebuilt by reading).</summary>
    private const int MaxCounts = 100_000;

    /// <summary>
    /// Each recipient's inbox count as this process last wrote it, with its ETag; forgotten when a delivery fails, so the
    /// next attempt reads it.
    /// </summary>
    private readonly ConcurrentDictionary<string, (long Count, ETag ETag)> _counts = new(StringComparer.Ordinal);

    /// <summary>The recipient's count and its ETag (null: no count row yet): as this process last wrote it, or read.</summary>
    private async Task<(long Count, ETag? ETag)> CountAsync(string recipient, CancellationToken ct)
    {
        if (_counts.TryGetValue(recipient, out var known)) return (known.Count, known.ETag);
        var counted = await storage.Inbox.GetEntityIfExistsAsync<TableEntity>(recipient, CountRow(recipient), cancellationToken: ct);
        return counted.HasValue ? (counted.Value!.GetInt64("Count") ?? 0, counted.Value.ETag) : (0, null);
    }

    private static TableTransactionAction CountAction(string recipient, long n, ETag? etag)
    {
        var head = new TableEntity(recipient, CountRow(recipient)) { ["Count"] = n };
        return etag is { } e ? new(TableTransactionActionType.UpdateReplace, head, e) : new(TableTransactionActionType.Add, head);
    }

    /// <summary>Submits one delivery (the count row last) and remembers the count it wrote; a failed one forgets it.</summary>
    private async Task SubmitAsync(string recipient, List<TableTransactionAction> actions, long count, CancellationToken ct)
    {
        _counts.TryRemove(recipient, out _);
        var response = await storage.Inbox.SubmitTransactionAsync(actions, ct);
        if (response.Value.Count == actions.Count && response.Value[^1].Headers.ETag is { } etag)
        {
            if (_counts.Count >= MaxCounts) _counts.Clear();
            _counts[recipient] = (count, etag);
        }
    }

    /// <summary>An event as a CloudEvents 1.0 JSON message: <c>subject</c> the recipient's credit code or bank id, <c>data</c> the resource.</summary>
    public static string CloudEvent(EventRecord e, string book) => TradingJson.Serialize(new Dictionary<string, object?>
    {
        ["specversion"] = "1.0",
        ["id"] = e.Id,
        ["source"] = $"/trading/{book}/{e.Partition}",
        ["type"] = e.Type,
        ["subject"] = EventRecipient.SubjectOf(e.Recipient),
        ["time"] = Timestamps.Format(e.At),
        ["datacontenttype"] = "application/json",
        ["data"] = TradingJson.Deserialize<JToken>(e.Data), // dates stay text, numbers decimal
    });

    private static string SeqRow(long n) => "seq:" + n.ToString("D19", System.Globalization.CultureInfo.InvariantCulture);
    private static string IdRow(string eventId) => "id:" + eventId;
    private static string CountRow(string recipient) => "~count:" + recipient;

    /// <summary>Appends the event to its recipient's inbox once, numbered after every event delivered before it.</summary>
    private async Task DeliverAsync(EventRecord e, string json, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            var seen = storage.Inbox.GetEntityIfExistsAsync<TableEntity>(e.Recipient, IdRow(e.Id), select: ["Seq"], cancellationToken: ct);
            var counted = CountAsync(e.Recipient, ct);
            if ((await seen).HasValue) return; // delivered before (a copy that died before its cursor moved)
            var (count, etag) = await counted;
            var n = checked(count + 1);
            List<TableTransactionAction> actions =
            [
                new(TableTransactionActionType.Add, new TableEntity(e.Recipient, IdRow(e.Id)) { ["Seq"] = n }),
                new(TableTransactionActionType.Add, new TableEntity(e.Recipient, SeqRow(n)) { ["EventId"] = e.Id, ["Type"] = e.Type, ["Event"] = json }),
                CountAction(e.Recipient, n, etag),
            ];
            try
            {
                await SubmitAsync(e.Recipient, actions, n, ct);
                return;
            }
            catch (TableTransactionFailedException ex) when (ex.Status is 404 or 409 or 412 && attempt < 40)
            {
                // Another copier delivered to this recipient meanwhile: read the count again.
                await Task.Delay(Random.Shared.Next(2, 20), ct);
            }
        }
    }

    /// <summary>
    /// One page of an inbox: the events delivered after the one with id <paramref name="after"/>, in delivery order (oldest
    /// first), and the id to read on from (null: none left). An id that was never delivered to this recipient: 400.
    /// </summary>
    public async Task<(IReadOnlyList<string> Events, string? Next)> InboxAsync(string recipient, string? after, int pageSize, CancellationToken ct)
    {
        long from = 0;
        if (after is not null)
        {
            var seen = await storage.Inbox.GetEntityIfExistsAsync<TableEntity>(recipient, IdRow(after), select: ["Seq"], cancellationToken: ct);
            if (!seen.HasValue) throw Core.ValidationException.For("after", "is no event of your inbox: give the id of an event you read");
            from = seen.Value!.GetInt64("Seq") ?? 0;
        }
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {recipient} and RowKey gt {SeqRow(from)} and RowKey lt {"seq;"}");
        var rows = new List<TableEntity>();
        await foreach (var row in storage.Inbox.QueryAsync<TableEntity>(filter, maxPerPage: Math.Min(1000, pageSize + 1), select: ["EventId", "Event"], cancellationToken: ct))
        {
            rows.Add(row);
            if (rows.Count > pageSize) break;
        }
        var page = rows.Take(pageSize).ToList();
        return (page.Select(r => r.GetString("Event")).ToList(), rows.Count > pageSize ? page[^1].GetString("EventId") : null);
    }
}

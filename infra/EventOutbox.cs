using Azure.Data.Tables;
using Newtonsoft.Json.Linq;
using Trading.Core.Primitives;
using Trading.Core.Writes;

namespace Trading.Infra;

/// <summary>
/// The events outbox (api.md "Events and inbox"). Every change written through the shell writes its events in its own
/// transaction (rows <c>event:{n}</c> of its partition, numbered by the head's <c>EventCount</c>) and marks its partition
/// pending (<see cref="EventMarks"/>); <see cref="CopyAsync"/> (timer <c>CopyEvents</c>) then sends the events of marked
/// partitions, each as a CloudEvents 1.0 JSON message on the queue <c>trading-events</c> and into its recipient's inbox
/// (table <c>inbox</c>: PartitionKey the recipient, RowKey the event id), with the partition's <c>eventcursor</c> claiming
/// each range before it is sent (<see cref="OutboxCursor"/>). A copier that dies between sending and moving the cursor
/// sends that range again: the inbox row is the same row (an upsert), the queue may carry a repeat (consumers drop repeats
/// by <c>id</c>: delivery is at least once, as api.md says). The JSON is written here by hand (eight members; the data is
/// already the rendered JSON of the resource), not with CloudNative.CloudEvents, whose JSON formatters need another JSON stack.
/// </summary>
public sealed class EventOutbox(StorageContext storage, EventMarks marks)
{
    /// <summary>Events per claimed range.</summary>
    public const int BatchSize = 100;

    /// <summary>Sends the new events of every partition with a pending mark; answers how many it sent.</summary>
    public Task<long> CopyAsync(CancellationToken ct) =>
        marks.CopyPendingAsync((book, partition) => CopyPartitionAsync(book, partition, ct), (book, partition) => UncopiedAsync(book, partition, ct), ct);

    /// <summary>True when the partition's head counts events beyond its cursor.</summary>
    private Task<bool> UncopiedAsync(string book, string partition, CancellationToken ct)
    {
        var layout = BookLayout.Of(book);
        return OutboxCursor.UncopiedAsync(storage.BookTable(book), partition, layout.Head(partition), "EventCount", layout.EventCursor(partition), ct);
    }

    /// <summary>Sends one partition's new events, in order.</summary>
    public Task<long> CopyPartitionAsync(string book, string partition, CancellationToken ct)
    {
        var table = storage.BookTable(book);
        var layout = BookLayout.Of(book);
        return OutboxCursor.CopyAsync(table, partition, layout.Head(partition), "EventCount", layout.EventCursor(partition), n => layout.Event(partition, n), BatchSize,
            async (_, rows) =>
        {
            foreach (var e in rows.Select(row => LedgerRows.ToEvent(partition, row)))
            {
                var json = CloudEvent(e, book);
                await storage.Inbox.UpsertEntityAsync(new TableEntity(e.Recipient, e.Id) { ["Type"] = e.Type, ["Event"] = json }, TableUpdateMode.Replace, ct);
                await storage.Events.SendMessageAsync(json, ct);
            }
        }, ct);
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

    /// <summary>One page of an inbox: the events after <paramref name="after"/> (an event id), oldest first, and the id to read on from (null: none left).</summary>
    public async Task<(IReadOnlyList<string> Events, string? Next)> InboxAsync(string recipient, string? after, int pageSize, CancellationToken ct)
    {
        var filter = after is null
            ? TableClient.CreateQueryFilter($"PartitionKey eq {recipient}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {recipient} and RowKey gt {after}");
        var rows = new List<TableEntity>();
        await foreach (var row in storage.Inbox.QueryAsync<TableEntity>(filter, maxPerPage: Math.Min(1000, pageSize + 1), select: ["RowKey", "Event"], cancellationToken: ct))
        {
            rows.Add(row);
            if (rows.Count > pageSize) break;
        }
        var page = rows.Take(pageSize).ToList();
        return (page.Select(r => r.GetString("Event")).ToList(), rows.Count > pageSize ? page[^1].RowKey : null);
    }
}

using System.Collections.Concurrent;
using System.Globalization;
using System.Text.RegularExpressions;
using Azure.Data.Tables;
using Trading.Infra;

namespace Trading.Tests.Support;

/// <summary>
/// Everything one storage prefix holds that the app wrote: every row of every table, the blobs of the audit trail and the
/// reports, and the events queue; copied to another prefix (so that two runs start from identical data), and compared
/// normalised (<see cref="Normalizer"/>). The <c>locks</c> container (the timer leases and their last-run times) is left out.
/// </summary>
public sealed partial class StorageState
{
    /// <summary>One row, blob or queue message: where it is and what it holds.</summary>
    public sealed record Item(string Where, string PartitionKey, string RowKey, IReadOnlyList<KeyValuePair<string, object?>> Fields);

    private StorageState(List<Item> items) => Items = items;

    public IReadOnlyList<Item> Items { get; }

    /// <summary>
    /// Reads the whole state. <paramref name="drainQueue"/>: the queue's messages are received (hidden for an hour: read once,
    /// at the end of a scenario); otherwise only their number is read.
    /// </summary>
    public static async Task<StorageState> ReadAsync(StorageContext storage, string prefix, bool drainQueue)
    {
        var items = new ConcurrentBag<Item>();
        await Bounded.SelectAsync(storage.AllTables.ToList(), async table =>
        {
            var name = table.Name[prefix.Length..];
            await foreach (var e in table.QueryAsync<TableEntity>())
                items.Add(new Item(name, e.PartitionKey, e.RowKey, e.Where(p => p.Key is not ("odata.etag" or "Timestamp" or "PartitionKey" or "RowKey"))
                    .OrderBy(p => p.Key, StringComparer.Ordinal).ToList()));
            return 0;
        }, 8, default);
        foreach (var (container, name) in new[] { (storage.Audit, "audit"), (storage.Reports, "reports") })
            await foreach (var blob in container.GetBlobsAsync())
            {
                var content = (await container.GetBlobClient(blob.Name).DownloadContentAsync()).Value.Content.ToString();
                items.Add(new Item("blob:" + name, blob.Name, "", [new("Content", content)]));
            }
        if (drainQueue)
        {
            // Keyed by content: the queue's order is the order copiers sent in, which copies of partitions in parallel do not fix.
            while (true)
            {
                var batch = (await storage.Events.ReceiveMessagesAsync(32, TimeSpan.FromHours(1))).Value;
                if (batch.Length == 0) break;
                foreach (var m in batch) items.Add(new Item("queue", "", "", [new("Message", m.Body.ToString())]));
            }
        }
        else
        {
            var count = (await storage.Events.GetPropertiesAsync()).Value.ApproximateMessagesCount;
            items.Add(new Item("queue", "count", "", [new("Messages", count)]));
        }
        return new StorageState(items.ToList());
    }

    /// <summary>Reads until two reads a moment apart agree: the background work of the last run (rollup copies, match marks) has settled.</summary>
    public static async Task<StorageState> SettledAsync(StorageContext storage, string prefix, Normalizer normalizer)
    {
        var last = await ReadAsync(storage, prefix, drainQueue: false);
        for (var i = 0; i < 40; i++)
        {
            await Task.Delay(60);
            var next = await ReadAsync(storage, prefix, drainQueue: false);
            if (normalizer.Lines(next).SequenceEqual(normalizer.Lines(last))) return next;
            last = next;
        }
        return last;
    }

    /// <summary>Copies every table row, audit and report blob, and queued message of one prefix to another (empty) one.</summary>
    public static async Task CopyAsync(StorageContext from, StorageContext to)
    {
        await to.EnsureCreatedAsync();
        var tables = from.AllTables.Zip(to.AllTables).ToList();
        await Bounded.SelectAsync(tables, async pair =>
        {
            var rows = new List<TableEntity>();
            await foreach (var e in pair.First.QueryAsync<TableEntity>())
            {
                var copy = new TableEntity(e.PartitionKey, e.RowKey);
                foreach (var (k, v) in e)
                    if (k is not ("odata.etag" or "Timestamp" or "PartitionKey" or "RowKey")) copy[k] = v;
                rows.Add(copy);
            }
            var batches = rows.GroupBy(r => r.PartitionKey, StringComparer.Ordinal).SelectMany(g => g.Chunk(100)).ToList();
            await Bounded.SelectAsync(batches, async batch =>
            {
                await pair.Second.SubmitTransactionAsync(batch.Select(r => new TableTransactionAction(TableTransactionActionType.UpsertReplace, r)));
                return 0;
            }, 8, default);
            return 0;
        }, 8, default);
        foreach (var (source, target) in new[] { (from.Audit, to.Audit), (from.Reports, to.Reports) })
            await foreach (var blob in source.GetBlobsAsync())
                await target.GetBlobClient(blob.Name).UploadAsync((await source.GetBlobClient(blob.Name).DownloadContentAsync()).Value.Content, overwrite: true);
        var queued = (await from.Events.PeekMessagesAsync(32)).Value;
        if (queued.Length == 32) throw new InvalidOperationException("the queue holds more messages than a copy takes (32)");
        foreach (var m in queued) await to.Events.SendMessageAsync(m.Body);
    }

    /// <summary>
    /// What differs between two states' normalised lines (each line a row, blob or message), at most <paramref name="max"/> of
    /// each side; empty when they are equal.
    /// </summary>
    public static string Diff(IReadOnlyList<string> expected, IReadOnlyList<string> actual, int max = 12)
    {
        var missing = Minus(expected, actual);
        var extra = Minus(actual, expected);
        if (missing.Count == 0 && extra.Count == 0) return "";
        static string Cut(string s) => s.Length > 600 ? s[..600] + "…" : s;
        return $"{missing.Count} line(s) only in the expected state, {extra.Count} only in this one.\n" +
               string.Concat(missing.Take(max).Select(l => "  - " + Cut(l) + "\n")) + string.Concat(extra.Take(max).Select(l => "  + " + Cut(l) + "\n"));
    }

    private static List<string> Minus(IReadOnlyList<string> a, IReadOnlyList<string> b)
    {
        var counts = b.GroupBy(l => l, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var result = new List<string>();
        foreach (var line in a)
            if (counts.TryGetValue(line, out var n) && n > 0) counts[line] = n - 1;
            else result.Add(line);
        return result;
    }

    /// <summary>
    /// Turns a state into comparable lines. Dropped or replaced (and counted in <see cref="Replaced"/>): the service's
    /// <c>Timestamp</c> and ETag; wall-clock times of the run (a date-time value, or an ISO 8601 time or 19-digit tick
    /// count inside a text, such as an event id, that is not found in the data the runs started from and is not earlier than
    /// the runs' start); new values of the random or time-derived columns <c>TraceId</c> (a trace id) and <c>Hash</c>,
    /// <c>PreviousHash</c>, <c>LastHash</c> and new SHA-256 hex values inside texts (the trade hash chain covers each
    /// trade's recording time; the chains are checked valid apart);
    /// the random suffix of a rollup pending mark's key; and in the inbox, the delivery number (an event's place among
    /// a recipient's events depends on which partition a copier reached first): a delivered event is keyed by its id instead.
    /// Audit and event pending marks that a run wrote are left out (they only make a copier look again), and so are rows
    /// of the open-listings index that name a listing no longer open (left by a process that died between the commit
    /// that ended the listing and the index clean-up after it; readers read each listing's own row and skip them).
    /// </summary>
    public sealed partial class Normalizer
    {
        private readonly HashSet<long> _baseTicks;
        private readonly HashSet<string> _baseStrings;
        private readonly long _since;

        /// <param name="start">The state every run started from.</param>
        /// <param name="since">When the runs began (real time; the servers' shifted clocks are later still).</param>
        public Normalizer(StorageState start, DateTimeOffset since)
        {
            _since = since.UtcTicks;
            _baseStrings = new HashSet<string>(StringComparer.Ordinal);
            _baseTicks = [];
            foreach (var item in start.Items)
            {
                _baseStrings.Add(item.PartitionKey);
                _baseStrings.Add(item.RowKey);
                foreach (var (_, value) in item.Fields)
                    switch (value)
                    {
                        case DateTimeOffset t: _baseTicks.Add(t.UtcTicks); break;
                        case string s:
                            _baseStrings.Add(s);
                            foreach (Match m in Iso().Matches(s))
                                if (DateTimeOffset.TryParse(m.Value, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var p)) _baseTicks.Add(p.UtcTicks);
                            foreach (Match m in Ticks().Matches(s)) if (long.TryParse(m.Value, CultureInfo.InvariantCulture, out var n)) _baseTicks.Add(n);
                            foreach (Match m in Sha256().Matches(s)) _baseStrings.Add(m.Value);
                            break;
                    }
            }
        }

        /// <summary>How many values of each column (or kind of text) were normalised.</summary>
        public ConcurrentDictionary<string, int> Replaced { get; } = new(StringComparer.Ordinal);

        public IReadOnlyList<string> Lines(StorageState state)
        {
            var lines = new List<string>(state.Items.Count);
            // Listings no longer open: their rows on the open-listings index are removed after the commit that ended them, and
            // a process that dies in between leaves them (tolerated by design, MarketHooks: readers read each listing's row).
            var ended = state.Items.Where(i => i.Where == "ledger" && i.RowKey.StartsWith("listing:", StringComparison.Ordinal)
                                               && i.Fields.Any(f => f.Key == "Status" && f.Value as string != "Open"))
                .Select(i => $"{i.PartitionKey}-L{long.Parse(i.RowKey["listing:".Length..], CultureInfo.InvariantCulture)}").ToHashSet(StringComparer.Ordinal);
            foreach (var item in state.Items)
            {
                if (item.Where == "offerindex" && item.PartitionKey.StartsWith(OfferIndex.Listings + "|", StringComparison.Ordinal)
                    && item.Fields.FirstOrDefault(f => f.Key == "Id").Value is string listing && ended.Contains(listing))
                {
                    Count("", "open-listings index row of an ended listing (left out)");
                    continue;
                }
                // A pending mark a run wrote (audit, events) says "look here again": an extra visit at most. What a missed copy
                // would change (the trail, the inboxes, the queue) is compared itself.
                if (item.Where is "auditmarks" or "eventmarks" && item.Fields.FirstOrDefault(f => f.Key == "At").Value is DateTimeOffset at && IsRunTime(at.UtcTicks))
                {
                    Count("", item.Where + " row written by a run (left out)");
                    continue;
                }
                var (pk, rk) = (Text(item.PartitionKey, "PartitionKey"), Text(item.RowKey, "RowKey"));
                IEnumerable<KeyValuePair<string, object?>> fields = item.Fields;
                if (item.Where.EndsWith("rollupmarks", StringComparison.Ordinal) && GuidSuffix().Match(rk) is { Success: true } g && !_baseStrings.Contains(item.RowKey))
                    rk = Count(rk[..g.Index] + "|<guid>", "rollupmarks key");
                if (item.Where.EndsWith("inbox", StringComparison.Ordinal))
                {
                    if (rk.StartsWith("seq:", StringComparison.Ordinal)) rk = "seq:<" + Text(item.Fields.First(f => f.Key == "EventId").Value as string ?? "", "EventId") + ">";
                    if (rk.StartsWith("id:", StringComparison.Ordinal)) fields = fields.Where(f => f.Key != "Seq");
                }
                var rendered = fields.Select(f => f.Key + "=" + Value(f.Key, f.Value));
                lines.Add($"{item.Where}|{pk}|{rk}|{string.Join(";", rendered)}");
            }
            lines.Sort(StringComparer.Ordinal);
            return lines;
        }

        private string Value(string column, object? value) => value switch
        {
            null => "null",
            DateTimeOffset t => IsRunTime(t.UtcTicks) ? Count("<time of the run>", column) : t.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
            string s when column is "TraceId" && !_baseStrings.Contains(s) => Count("<trace id>", column),
            string s when column is "Hash" or "PreviousHash" or "LastHash" && !_baseStrings.Contains(s) => Count("<new hash>", column),
            string s => Text(s, column),
            byte[] b => Convert.ToBase64String(b),
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture) + ":" + value.GetType().Name,
            _ => value.ToString() ?? "",
        };

        private bool IsRunTime(long ticks) => ticks >= _since && !_baseTicks.Contains(ticks);

        private string Text(string s, string column)
        {
            if (_baseStrings.Contains(s)) return s;
            s = Iso().Replace(s, m => DateTimeOffset.TryParse(m.Value, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var p) && IsRunTime(p.UtcTicks)
                ? Count("<time of the run>", column + " (text)") : m.Value);
            s = Ticks().Replace(s, m => long.TryParse(m.Value, CultureInfo.InvariantCulture, out var t) && t < _since + TimeSpan.FromDays(400).Ticks && IsRunTime(t)
                ? Count("<ticks of the run>", column + " (ticks in text)") : m.Value);
            s = Sha256().Replace(s, m => _baseStrings.Contains(m.Value) ? m.Value : Count("<new hash>", column + " (hash in text)"));
            s = TraceInJson().Replace(s, m => _baseStrings.Contains(m.Groups[1].Value) ? m.Value : Count("\"traceId\":\"<trace id>\"", column + " (traceId in text)"));
            return s;
        }

        private string Count(string replacement, string what)
        {
            Replaced.AddOrUpdate(what, 1, (_, n) => n + 1);
            return replacement;
        }

        [GeneratedRegex(@"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,7})?(?:Z|[+-]\d{2}:\d{2})")]
        private static partial Regex Iso();

        [GeneratedRegex(@"(?<!\d)\d{19}(?!\d)")]
        private static partial Regex Ticks();

        [GeneratedRegex(@"(?<![0-9a-f])[0-9a-f]{64}(?![0-9a-f])")]
        private static partial Regex Sha256();

        [GeneratedRegex(@"\|[0-9a-f]{32}$")]
        private static partial Regex GuidSuffix();

        [GeneratedRegex(@"""traceId"":""([0-9a-f]{32})""")]
        private static partial Regex TraceInJson();
    }
}

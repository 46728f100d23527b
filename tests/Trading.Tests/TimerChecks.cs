using Azure.Data.Tables;
using Trading.Infra;
using Trading.Tests.Support;

namespace Trading.Tests;

/// <summary>
/// What each timer must have done once the runs on a copy of <see cref="TimerDataFixture"/>'s data are over, checked on
/// storage: every piece of work done, and done once (nothing credited, copied, counted or delivered twice).
/// </summary>
public static class TimerChecks
{
    /// <param name="end">The end state as read (with the queue's messages).</param>
    /// <param name="queueAtLeastOnce">Whether a message may be queued more than once (after a kill, by design).</param>
    public static Task CheckAsync(string timer, TimerDataFixture data, StorageContext storage, StorageState end, HttpClient admin, bool queueAtLeastOnce = false) => timer switch
    {
        "ExpireProposals" => ExpiredAsync(data, storage),
        "CloseAuctions" => AuctionsAsync(data, storage, admin),
        "CloseMonth" => MonthsAsync(data, storage),
        "CountLoans" => LoansAsync(data, storage),
        "CopyAudit" => AuditAsync(storage),
        "CopyEvents" => EventsAsync(storage, end, queueAtLeastOnce),
        "CopyRollups" => RollupsAsync(data, storage),
        "RefreshMatches" => MatchesAsync(storage),
        _ => throw new ArgumentException("no checks for " + timer, nameof(timer)),
    };

    private static async Task<List<TableEntity>> RowsAsync(TableClient table, string? partition = null)
    {
        var rows = new List<TableEntity>();
        await foreach (var e in table.QueryAsync<TableEntity>(partition is null ? null : TableClient.CreateQueryFilter($"PartitionKey eq {partition}"))) rows.Add(e);
        return rows;
    }

    private static bool Is(TableEntity e, string prefix) => e.RowKey.StartsWith(prefix, StringComparison.Ordinal);

    /// <summary>Every offer set to expire has expired, the others are open, and what the expired ones froze is back once.</summary>
    private static async Task ExpiredAsync(TimerDataFixture data, StorageContext storage)
    {
        var rows = await RowsAsync(storage.Ledger);
        var offers = rows.Where(r => Is(r, "proposal:") || Is(r, "listing:") || Is(r, "pledge:")).ToList();
        Assert.Equal(data.ExpiringOffers, offers.Count(o => o.GetString("Status") == "Expired"));
        Assert.Equal(TimerDataFixture.Markets.Length, offers.Count(o => Is(o, "proposal:") && o.GetString("Status") == "Proposed"));
        // The second firm's listing and pledge request froze rights; both expired: nothing of it is frozen, all of it is held.
        foreach (var (region, pollutant) in TimerDataFixture.Markets)
        {
            var holding = rows.Single(r => r.PartitionKey == $"{region}-{pollutant}" && r.RowKey == "holding:" + data.Firms[1]);
            Assert.Equal(0, holding.GetInt64("FrozenGrams") ?? 0);
            var sold = data.Trades.Where((t, i) => t.Market == $"{region}-{pollutant}" && i % 2 == 1).Sum(t => t.Grams);
            Assert.Equal(100_000_000 - sold, holding.GetInt64("HeldGrams"));
        }
    }

    /// <summary>The due auctions are closed with one trade per winner (holdings credited once, the reserve debited once), the later one is open.</summary>
    private static async Task AuctionsAsync(TimerDataFixture data, StorageContext storage, HttpClient admin)
    {
        foreach (var (region, pollutant) in TimerDataFixture.AuctionMarkets.Append(TimerDataFixture.LaterAuctionMarket))
        {
            var market = $"{region}-{pollutant}";
            var rows = await RowsAsync(storage.Ledger, market);
            var auction = rows.Single(r => Is(r, "auction:"));
            var trades = rows.Where(r => Is(r, "trade:") && r.GetString("Method") == "Auction").ToList();
            var reserve = rows.Single(r => r.RowKey == "holding:reserve");
            if ((region, pollutant) == TimerDataFixture.LaterAuctionMarket)
            {
                Assert.Equal("Open", auction.GetString("Status"));
                Assert.Empty(trades);
                continue;
            }
            Assert.Equal("Closed", auction.GetString("Status"));
            // Four bids of 1 t for 3.5 t: three filled whole, the lowest gets 0.5 t; each bidder one trade.
            Assert.Equal(4, trades.Count);
            Assert.Equal(data.Firms.Skip(2).Order(StringComparer.Ordinal), trades.Select(t => t.GetString("Buyer")).Order(StringComparer.Ordinal));
            Assert.Equal(3_500_000, trades.Sum(t => t.GetInt64("Grams")!.Value));
            Assert.Equal(10_000_000 - 3_500_000, reserve.GetInt64("HeldGrams"));
            Assert.Equal(0, reserve.GetInt64("FrozenGrams") ?? 0);
            var head = rows.Single(r => r.RowKey == "head");
            Assert.Equal(head.GetInt64("AllocatedGrams"), rows.Where(r => Is(r, "holding:")).Sum(h => h.GetInt64("HeldGrams")!.Value));
            var bought = data.Trades.Select((d, i) => (d, i)).Where(x => x.d.Market == market).GroupBy(x => data.Firms[2 + x.i % 3]).ToDictionary(g => g.Key, g => g.Sum(x => x.d.Grams));
            foreach (var bidder in data.Firms.Skip(2))
                Assert.Equal(bought.GetValueOrDefault(bidder) + trades.Where(t => t.GetString("Buyer") == bidder).Sum(t => t.GetInt64("Grams")!.Value),
                    rows.Single(r => r.RowKey == "holding:" + bidder).GetInt64("HeldGrams"));
            var chain = (await admin.GetJsonAsync($"/api/markets/{market}/verify")).Expect(200).Body;
            Assert.True(chain["valid"]!.Value<bool>(), chain.ToString());
        }
    }

    /// <summary>Every ended month with trades is closed, its counters and report equal to the trades recorded in it.</summary>
    private static async Task MonthsAsync(TimerDataFixture data, StorageContext storage)
    {
        var now = Core.Primitives.ReportingMonth.Of(DateTimeOffset.UtcNow + TimerDataFixture.Shift);
        var ended = data.Trades.Select(t => t.Month).Distinct().Where(m => string.CompareOrdinal(m, now.ToString()) < 0).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(3, ended.Count);
        var closes = await RowsAsync(storage.Closes);
        foreach (var month in ended)
        {
            Assert.Equal("closed", closes.Single(c => c.RowKey == month).GetString("State"));
            var inMonth = data.Trades.Where(t => t.Month == month).ToList();
            foreach (var market in inMonth.GroupBy(t => t.Market))
            {
                var counter = (await storage.Ledger.GetEntityAsync<TableEntity>(market.Key, "month:" + month)).Value;
                Assert.True(counter.GetBoolean("Closed"));
                Assert.Equal((market.Count(), market.Sum(t => t.Grams), market.Sum(t => t.Fen)), (counter.GetInt64("Trades")!.Value, counter.GetInt64("Grams")!.Value, counter.GetInt64("Fen")!.Value));
            }
            var report = JObject.Parse((await storage.Reports.GetBlobClient($"{month[..4]}/{month[5..]}/report.json").DownloadContentAsync()).Value.Content.ToString());
            Assert.Equal(inMonth.Count, report["trades"]!.Value<long>());
            Assert.Equal(inMonth.Sum(t => t.Fen) / 100m, report["amount"]!.Value<decimal>());
        }
        Assert.DoesNotContain(closes, c => c.RowKey == now.ToString());
    }

    /// <summary>Every loan counted once into its (month, bank, borrower) row.</summary>
    private static async Task LoansAsync(TimerDataFixture data, StorageContext storage)
    {
        var rows = await RowsAsync(storage.LoanFigures);
        var expected = data.Loans.GroupBy(l => $"{l.Month}|{l.Bank}|{l.Borrower}").ToDictionary(g => g.Key, g => (Loans: (long)g.Count(), Fen: g.Sum(l => l.Fen)));
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), rows.Select(r => r.RowKey).Order(StringComparer.Ordinal));
        foreach (var row in rows) Assert.Equal(expected[row.RowKey], (row.GetInt64("Loans")!.Value, row.GetInt64("Fen")!.Value));
    }

    /// <summary>Every market's audit records are in the trail once each, and its cursor is at its head.</summary>
    private static async Task AuditAsync(StorageContext storage)
    {
        var lines = new List<JObject>();
        await foreach (var blob in storage.Audit.GetBlobsAsync())
            lines.AddRange((await storage.Audit.GetBlobClient(blob.Name).DownloadContentAsync()).Value.Content.ToString()
                .Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(JObject.Parse));
        var heads = (await RowsAsync(storage.Ledger)).Where(r => r.RowKey == "head").ToList();
        Assert.Equal(TimerDataFixture.Markets.Length, heads.Count);
        foreach (var head in heads)
        {
            var numbers = lines.Where(l => l["market"]?.Value<string>() == head.PartitionKey).Select(l => l["number"]!.Value<long>()).Order().ToList();
            Assert.Equal(Enumerable.Range(1, (int)head.GetInt64("AuditCount")!.Value).Select(n => (long)n), numbers);
            var cursor = (await storage.Ledger.GetEntityAsync<TableEntity>(head.PartitionKey, "auditcursor")).Value;
            Assert.Equal(head.GetInt64("AuditCount"), cursor.GetInt64("Copied"));
        }
        foreach (var bank in new[] { TimerDataFixture.Bank1, TimerDataFixture.Bank2 })
            Assert.Equal(3, lines.Count(l => l["partition"]?.Value<string>() == "loans-" + bank && l["action"]!.Value<string>() == "loan.recorded"));
    }

    /// <summary>Every event delivered once into its recipient's inbox, and sent once to the queue.</summary>
    private static async Task EventsAsync(StorageContext storage, StorageState end, bool queueAtLeastOnce)
    {
        var inbox = await RowsAsync(storage.Inbox);
        var delivered = inbox.Where(r => Is(r, "seq:")).ToList();
        Assert.NotEmpty(delivered);
        foreach (var recipient in inbox.GroupBy(r => r.PartitionKey))
        {
            var seqs = recipient.Where(r => Is(r, "seq:")).ToList();
            Assert.Equal(seqs.Count, recipient.Single(r => Is(r, "~count:")).GetInt64("Count"));
            Assert.Equal(seqs.Count, seqs.Select(s => s.GetString("EventId")).Distinct().Count());
            Assert.Equal(seqs.Count, recipient.Count(r => Is(r, "id:")));
        }
        var queued = end.Items.Where(i => i.Where == "queue").Select(i => JObject.Parse((string)i.Fields.Single().Value!)["id"]!.Value<string>()!).ToList();
        if (queueAtLeastOnce) queued = queued.Distinct(StringComparer.Ordinal).ToList();
        var repeats = queued.GroupBy(id => id).Where(g => g.Count() > 1).Select(g => $"{g.Key} ×{g.Count()}").ToList();
        Assert.True(repeats.Count == 0, $"{repeats.Count} event(s) sent to the queue more than once: {string.Join(", ", repeats.Take(5))}");
        Assert.Equal(delivered.Select(d => d.GetString("EventId")).Order(StringComparer.Ordinal), queued.Order(StringComparer.Ordinal));
    }

    /// <summary>The pending marks left by the failed copies are gone, and the country's rollups hold every trade of every month once.</summary>
    private static async Task RollupsAsync(TimerDataFixture data, StorageContext storage)
    {
        Assert.Empty(await RowsAsync(storage.RollupMarks));
        var national = await RowsAsync(storage.Rollups, "all");
        foreach (var month in data.Trades.GroupBy(t => t.Month))
        {
            var row = national.Single(r => r.RowKey == $"t||{month.Key}");
            foreach (var pollutant in month.GroupBy(t => t.Market[(t.Market.IndexOf('-') + 1)..]))
                Assert.Equal((pollutant.Count(), pollutant.Sum(t => t.Fen)), (row.GetInt64(pollutant.Key + "Trades")!.Value, row.GetInt64(pollutant.Key + "Fen")!.Value));
        }
    }

    /// <summary>No dirty mark is left, and the two tables of eligible pairs mirror each other.</summary>
    private static async Task MatchesAsync(StorageContext storage)
    {
        Assert.Empty(await RowsAsync(storage.MatchState, MatchMarks.DirtyPartition));
        var byProduct = (await RowsAsync(storage.Matches)).Where(r => r.RowKey != "~asof").Select(r => (r.PartitionKey, r.GetString("CreditCode"), r.GetString("Name"))).Order().ToList();
        var byFirm = (await RowsAsync(storage.MatchesByFirm)).Select(r => (r.RowKey, r.PartitionKey, r.GetString("Name"))).Order().ToList();
        Assert.NotEmpty(byProduct);
        Assert.Equal(byProduct, byFirm);
    }
}

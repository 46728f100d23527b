using Azure.Storage.Queues;
using Trading.Infra;
using Trading.Tests.Support;

namespace Trading.Tests;

/// <summary>
/// Events after lost answers and retries (api.md "Events and inbox"): every change written once sends its events once,
/// in its own transaction; CopyEvents copies them to the queue <c>trading-events</c> (read here with Azure.Storage.Queues)
/// and to each recipient's inbox (GET /api/inbox) exactly once, however often it runs; a replayed request sends none.
/// </summary>
public sealed partial class ExactlyOnceTests
{
    /// <summary>Every message on this test's queue, as (type, subject, id), read (and hidden) until the queue is empty.</summary>
    private async Task<List<JObject>> DrainQueueAsync()
    {
        var queue = new QueueClient(_api.Azurite.ConnectionString, _api.Prefix + "trading-events");
        var messages = new List<JObject>();
        while (true)
        {
            var batch = (await queue.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(10))).Value;
            if (batch.Length == 0) return messages;
            messages.AddRange(batch.Select(m => JObject.Parse(m.Body.ToString())));
        }
    }

    /// <summary>Every event in the caller's inbox, page by page (2 per page, following <c>next</c>).</summary>
    private async Task<List<JObject>> InboxAsync(string apiKey)
    {
        using var client = _server.Client(apiKey);
        var events = new List<JObject>();
        string? after = null;
        do
        {
            var page = (await client.GetJsonAsync("/api/inbox?pageSize=2" + (after is null ? "" : "&after=" + Uri.EscapeDataString(after)))).Expect(200).Body;
            events.AddRange(page["items"]!.Cast<JObject>());
            after = page["next"]!.Type == JTokenType.Null ? null : page["next"]!.Value<string>();
        }
        while (after is not null);
        return events;
    }

    private async Task CopyEventsTwiceAsync()
    {
        var outbox = _server.Services.GetRequiredService<EventOutbox>();
        await outbox.CopyAsync(CancellationToken.None);
        await outbox.CopyAsync(CancellationToken.None);
    }

    private static List<string> Types(IEnumerable<JObject> events, string subject) =>
        events.Where(e => e["subject"]!.Value<string>() == subject).Select(e => e["type"]!.Value<string>()!).Order(StringComparer.Ordinal).ToList();

    [Fact]
    public async Task Every_market_event_after_a_lost_answer_and_retries_is_on_the_queue_and_in_the_inbox_once()
    {
        var seller = (await _api.RegisterEnterpriseAsync("131000")).Value;
        var buyer = (await _api.RegisterEnterpriseAsync("131000")).Value;
        const string admin = ApiFixture.AdminKey;
        var sellerKey = await _api.IssueKeyAsync("enterprise", seller);
        var buyerKey = await _api.IssueKeyAsync("enterprise", buyer);
        var bankKey = await _api.IssueKeyAsync("bank", "EVT-LF");
        var now = DateTimeOffset.UtcNow;

        var allocation = await CreateOnceAsync(admin, "/api/allocations", new { holder = seller, region = "131000", pollutant = "TN", quantity = 20m, reference = "permit" }, "a1");
        await CreateOnceAsync(admin, "/api/allocations", new { holder = "reserve", region = "131000", pollutant = "TN", quantity = 10m, reference = "reserve" }, "a2");
        var proposal = await CreateOnceAsync(sellerKey, "/api/trade-proposals", ApiFixture.Proposal(seller, buyer, 1m, 100m, 1, "131000", "TN"), "p1");
        await ChangeOnceAsync(buyerKey, $"/api/trade-proposals/{proposal["id"]}/confirm");
        var pledge = await CreateOnceAsync(bankKey, "/api/pledges", new { bankId = "EVT-LF", holder = seller, region = "131000", pollutant = "TN", quantity = 1m, loanAmount = 1000m }, "pl");
        await ChangeOnceAsync(sellerKey, $"/api/pledges/{pledge["id"]}/accept");
        await ChangeOnceAsync(bankKey, $"/api/pledges/{pledge["id"]}/release");
        var listing = await CreateOnceAsync(sellerKey, "/api/listings",
            new { region = "131000", pollutant = "TN", seller, quantity = 5m, unitPrice = 100m, termYears = 1, minLot = 1m }, "l1");
        await CreateOnceAsync(buyerKey, $"/api/listings/{listing["id"]}/take", new { quantity = 1m }, "take");
        await ChangeOnceAsync(sellerKey, $"/api/listings/{listing["id"]}/withdraw");
        await ChangeOnceAsync(admin, $"/api/allocations/{allocation["id"]}/revoke", new { reason = "closed" });
        var closesAt = DateTimeOffset.UtcNow.AddSeconds(3);
        var auction = await CreateOnceAsync(admin, "/api/auctions", new
        {
            region = "131000", pollutant = "TN", quantity = 2m, termYears = 1, startPrice = 100m, increment = 10m, minLot = 1m,
            opensAt = now.AddMinutes(-1).ToString("yyyy-MM-dd'T'HH:mm:ssK"), closesAt = closesAt.ToString("yyyy-MM-dd'T'HH:mm:ss.fffK"),
        }, "au");
        await CreateOnceAsync(buyerKey, $"/api/auctions/{auction["id"]}/bids", new { quantity = 1m, unitPrice = 110m }, "bid");
        await Task.Delay(closesAt - DateTimeOffset.UtcNow + TimeSpan.FromMilliseconds(200));
        var closer = _server.Services.GetRequiredService<AuctionCloser>();
        await closer.CloseDueAsync(CancellationToken.None);
        await closer.CloseDueAsync(CancellationToken.None);

        // In the market's partition: one event row per event, numbered by the head.
        var rows = await _api.MarketRowsAsync("131000-TN");
        var eventRows = rows.Where(r => r.RowKey.StartsWith("event:", StringComparison.Ordinal)).ToList();
        Assert.Equal(rows.Single(r => r.RowKey == "head").GetInt64("EventCount"), eventRows.Count);

        await CopyEventsTwiceAsync();
        var queued = await DrainQueueAsync();
        Assert.Equal(eventRows.Count, queued.Count);
        Assert.Equal(queued.Count, queued.Select(e => e["id"]!.Value<string>()).Distinct().Count());
        Assert.All(queued, e =>
        {
            Assert.Equal("1.0", e["specversion"]!.Value<string>());
            Assert.Equal("/trading/ledger/131000-TN", e["source"]!.Value<string>());
            Assert.Equal("application/json", e["datacontenttype"]!.Value<string>());
            Assert.Equal(JTokenType.Object, e["data"]!.Type);
        });
        string[] sellerEvents = ["allocation.made", "allocation.revoked", "listing.taken", "pledge.released", "pledge.requested", "trade.settled", "trade.settled"];
        string[] buyerEvents = ["auction.closed", "trade.proposal.received", "trade.settled", "trade.settled", "trade.settled"];
        Assert.Equal(sellerEvents, Types(queued, seller));
        Assert.Equal(buyerEvents, Types(queued, buyer));
        Assert.Equal(["pledge.accepted"], Types(queued, "EVT-LF"));
        Assert.Equal(sellerEvents.Length + buyerEvents.Length + 1, queued.Count); // the reserve gets none

        // The inbox holds the same events, oldest first, as CloudEvents with the resource as its GET answers it.
        var sellerInbox = await InboxAsync(sellerKey);
        Assert.Equal(sellerEvents, Types(sellerInbox, seller));
        Assert.Equal(sellerInbox.Select(e => e["id"]!.Value<string>()).Order(StringComparer.Ordinal), sellerInbox.Select(e => e["id"]!.Value<string>()));
        Assert.Equal(buyerEvents, Types(await InboxAsync(buyerKey), buyer));
        Assert.Equal(["pledge.accepted"], Types(await InboxAsync(bankKey), "EVT-LF"));
        var received = (await InboxAsync(buyerKey)).Single(e => e["type"]!.Value<string>() == "trade.proposal.received");
        Assert.Equal(proposal["id"]!.Value<string>(), received["data"]!["id"]!.Value<string>());
        Assert.Equal("proposed", received["data"]!["status"]!.Value<string>());
        var closed = (await InboxAsync(buyerKey)).Single(e => e["type"]!.Value<string>() == "auction.closed");
        Assert.Equal(1m, closed["data"]!["bid"]!["filled"]!.Value<decimal>());

        // Replays afterwards send nothing more, and copying again sends nothing again.
        await ChangeOnceAsync(buyerKey, $"/api/trade-proposals/{proposal["id"]}/confirm");
        (await _server.Client(sellerKey).PostJsonAsync("/api/trade-proposals", ApiFixture.Proposal(seller, buyer, 1m, 100m, 1, "131000", "TN"), ApiFixture.Key("p1")))
            .Expect(201);
        await CopyEventsTwiceAsync();
        Assert.Empty(await DrainQueueAsync());
        Assert.Equal(sellerEvents.Length, (await InboxAsync(sellerKey)).Count);
    }

    [Fact]
    public async Task Loan_application_events_after_lost_answers_and_retries_go_once_to_the_bank_and_once_to_the_applicant()
    {
        var firm = (await _api.RegisterEnterpriseAsync("131024", grade: "A")).Value;
        var bankKey = await _api.IssueKeyAsync("bank", "EVTB-LF");
        var firmKey = await _api.IssueKeyAsync("enterprise", firm);
        (await _server.Client(bankKey).PutJsonAsync("/api/banks/EVTB-LF/products/green", new
        {
            name = "绿色贷", minGrade = "B", allowUngraded = false, minCreditRating = "Blue", requirePositiveList = false, industries = Array.Empty<string>(),
            regions = new[] { "1310" }, minAmount = 100_000m, maxAmount = 20_000_000m, annualRatePct = 3.45m, termMonths = 36,
        })).Expect(201);

        var granted = await CreateOnceAsync(firmKey, "/api/loan-applications", new { bankId = "EVTB-LF", productId = "green", amount = 100_000m, purpose = "技改" }, "apply-1");
        await ChangeOnceAsync(bankKey, $"/api/loan-applications/{granted["id"]}/approve", new
        {
            amount = 100_000m, annualRatePct = 3.45m, termMonths = 36, grantedAt = DateTimeOffset.UtcNow.AddMinutes(-1).ToString("yyyy-MM-dd'T'HH:mm:ssK"),
        });
        var declined = await CreateOnceAsync(firmKey, "/api/loan-applications", new { bankId = "EVTB-LF", productId = "green", amount = 200_000m, purpose = "扩产" }, "apply-2");
        await ChangeOnceAsync(bankKey, $"/api/loan-applications/{declined["id"]}/decline", new { reason = "材料不全" });

        await CopyEventsTwiceAsync();
        var queued = await DrainQueueAsync();
        Assert.Equal(["loan.application.submitted", "loan.application.submitted"], Types(queued, "EVTB-LF"));
        Assert.Equal(["loan.application.decided", "loan.application.decided"], Types(queued, firm));
        Assert.Equal(4, queued.Count);
        Assert.All(queued, e => Assert.Equal("/trading/loans/EVTB-LF", e["source"]!.Value<string>()));

        var decided = await InboxAsync(firmKey);
        Assert.Equal(["declined", "granted"], decided.Select(e => e["data"]!["status"]!.Value<string>()!).Order(StringComparer.Ordinal));
        Assert.NotNull(decided.Single(e => e["data"]!["status"]!.Value<string>() == "granted")["data"]!["loan"]!["id"]);
        Assert.Equal([granted["id"]!.Value<string>(), declined["id"]!.Value<string>()],
            (await InboxAsync(bankKey)).Select(e => e["data"]!["id"]!.Value<string>()).ToList());
    }

    [Fact]
    public async Task The_inbox_pages_after_the_last_event_read()
    {
        var firm = (await _api.RegisterEnterpriseAsync("131000")).Value;
        var firmKey = await _api.IssueKeyAsync("enterprise", firm);
        for (var i = 0; i < 5; i++)
            (await _admin.PostJsonAsync("/api/allocations", new { holder = firm, region = "131000", pollutant = "SO2", quantity = 1m + i, reference = $"permit {i}" },
                ApiFixture.Key($"inbox-{i}"))).Expect(201);
        await CopyEventsTwiceAsync();
        using var client = _server.Client(firmKey);
        var first = (await client.GetJsonAsync("/api/inbox?pageSize=3")).Expect(200).Body;
        Assert.Equal(3, first["items"]!.Count());
        var next = first["next"]!.Value<string>()!;
        Assert.Equal(first["items"]!.Last()["id"]!.Value<string>(), next);
        var second = (await client.GetJsonAsync($"/api/inbox?pageSize=3&after={Uri.EscapeDataString(next)}")).Expect(200).Body;
        Assert.Equal(2, second["items"]!.Count());
        Assert.Equal(JTokenType.Null, second["next"]!.Type);
        Assert.Equal([1m, 2m, 3m, 4m, 5m], first["items"]!.Concat(second["items"]!).Select(e => e["data"]!["quantity"]!.Value<decimal>()));
        var last = second["items"]!.Last()["id"]!.Value<string>()!;
        Assert.Empty((await client.GetJsonAsync($"/api/inbox?after={Uri.EscapeDataString(last)}")).Expect(200).Body["items"]!);
        // Another caller's inbox does not hold them; a bad page size is 400.
        Assert.Empty((await _admin.GetJsonAsync("/api/inbox")).Expect(200).Body["items"]!);
        (await client.GetJsonAsync("/api/inbox?pageSize=0")).Expect(400);
    }

    [Fact]
    public async Task An_event_dated_earlier_but_delivered_later_is_not_missed_by_a_reader_paging_with_after()
    {
        var firm = (await _api.RegisterEnterpriseAsync("131000")).Value;
        var firmKey = await _api.IssueKeyAsync("enterprise", firm);
        // Two markets, each with an event for the firm: the one in COD is dated first, the one in TN second.
        (await _admin.PostJsonAsync("/api/allocations", new { holder = firm, region = "131000", pollutant = "COD", quantity = 1m, reference = "first" },
            ApiFixture.Key("early"))).Expect(201);
        (await _admin.PostJsonAsync("/api/allocations", new { holder = firm, region = "131000", pollutant = "TN", quantity = 2m, reference = "second" },
            ApiFixture.Key("late"))).Expect(201);
        // The copier reaches the TN market first (partitions are copied separately), and the firm reads its inbox.
        var outbox = _server.Services.GetRequiredService<EventOutbox>();
        await outbox.CopyPartitionAsync(Books.Ledger, "131000-TN", CancellationToken.None);
        using var client = _server.Client(firmKey);
        var first = (await client.GetJsonAsync("/api/inbox")).Expect(200).Body["items"]!;
        var read = Assert.Single(first);
        Assert.Equal(2m, read["data"]!["quantity"]!.Value<decimal>());
        // Then the COD market's earlier event is delivered: reading on after the last id read finds it.
        await outbox.CopyPartitionAsync(Books.Ledger, "131000-COD", CancellationToken.None);
        var later = (await client.GetJsonAsync($"/api/inbox?after={Uri.EscapeDataString(read["id"]!.Value<string>()!)}")).Expect(200).Body["items"]!;
        Assert.Equal(1m, Assert.Single(later)["data"]!["quantity"]!.Value<decimal>());
        Assert.True(string.CompareOrdinal(later.Single()["id"]!.Value<string>(), read["id"]!.Value<string>()) < 0); // dated earlier
        // Delivered once: copying both again adds nothing; an id never delivered to the firm is 400.
        await CopyEventsTwiceAsync();
        Assert.Equal(2, (await client.GetJsonAsync("/api/inbox")).Expect(200).Body["items"]!.Count());
        (await client.GetJsonAsync("/api/inbox?after=nope")).Expect(400);
    }
}

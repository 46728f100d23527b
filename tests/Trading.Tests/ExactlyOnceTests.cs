using Azure.Data.Tables;
using Trading.Infra;
using Trading.Tests.Support;

namespace Trading.Tests;

/// <summary>
/// Answers lost after the write: storage commits but its answer never reaches the server (the SDK then retries), or
/// the server answers but the client never hears it (the client retries). Either way: one effect, one audit record.
/// </summary>
public sealed partial class ExactlyOnceTests : IAsyncLifetime
{
    private readonly ApiFixture _api = new();
    private readonly DropAfterWrite _storageDrop = new();
    private TestServer _server = null!;
    private HttpClient _admin = null!;

    public async Task InitializeAsync()
    {
        await _api.InitializeAsync();
        _server = await _api.StartServerAsync(builder => builder.Services.AddSingleton(new StorageOptions
        {
            ConnectionString = _api.Azurite.ConnectionString,
            Prefix = _api.Prefix,
            Handler = _storageDrop,
        }));
        _admin = _server.Client(ApiFixture.AdminKey);
    }

    public async Task DisposeAsync()
    {
        _admin.Dispose();
        await _server.DisposeAsync();
        await _api.DisposeAsync();
    }

    /// <summary>Lets the next entity-group transaction reach storage, then loses its answer (a connection reset).</summary>
    private sealed class DropAfterWrite : DelegatingHandler
    {
        private int _armed;
        public int Dropped;

        public DropAfterWrite() : base(new HttpClientHandler()) { }

        public void Arm() => Interlocked.Exchange(ref _armed, 1);

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            var response = await base.SendAsync(request, ct);
            if (request.RequestUri!.AbsolutePath.EndsWith("$batch", StringComparison.Ordinal) && response.IsSuccessStatusCode
                && Interlocked.Exchange(ref _armed, 0) == 1)
            {
                Interlocked.Increment(ref Dropped);
                response.Dispose();
                throw new HttpRequestException("the connection was reset after the write (test)");
            }
            return response;
        }
    }

    /// <summary>A client whose first answer is lost after the server sent it.</summary>
    private sealed class LoseFirstAnswer(string apiKey) : DelegatingHandler(new HttpClientHandler())
    {
        private int _lost;

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            request.Headers.TryAddWithoutValidation("X-Api-Key", apiKey);
            var response = await base.SendAsync(request, ct);
            if (Interlocked.Exchange(ref _lost, 1) == 0)
            {
                response.Dispose();
                throw new HttpRequestException("the answer was lost on the way back (test)");
            }
            return response;
        }
    }

    private async Task<Reply> PostLosingAnswersAsync(string apiKey, string path, object body, string key)
    {
        // Storage's answer is lost: the server must still answer once, with one effect.
        _storageDrop.Arm();
        var first = await _server.Client(apiKey).PostJsonAsync(path, body, ApiFixture.Key(key));
        Assert.True(first.Status is 200 or 201, first.ToString());
        // Then the client's answer is lost: its retry with the same key must get the same body.
        using var losing = new HttpClient(new LoseFirstAnswer(apiKey)) { BaseAddress = _server.BaseAddress };
        await Assert.ThrowsAsync<HttpRequestException>(() => losing.PostJsonAsync(path, body, ApiFixture.Key(key + "-client")));
        var retried = (await losing.PostJsonAsync(path, body, ApiFixture.Key(key + "-client"))).Expect(201);
        Assert.Equal("true", retried.Header("Idempotent-Replayed"));
        return first;
    }

    [Fact]
    public async Task A_lost_answer_and_its_retry_make_exactly_one_allocation_trade_proposal_and_pledge_with_one_audit_record_each()
    {
        var seller = (await _api.RegisterEnterpriseAsync("131000")).Value;
        var buyer = (await _api.RegisterEnterpriseAsync("131000")).Value;
        const string admin = ApiFixture.AdminKey;
        var sellerKey = await _api.IssueKeyAsync("enterprise", seller);
        var buyerKey = await _api.IssueKeyAsync("enterprise", buyer);
        var bankKey = await _api.IssueKeyAsync("bank", "ICBC-LF");

        await PostLosingAnswersAsync(admin, "/api/allocations", new { holder = seller, region = "131000", pollutant = "NH3N", quantity = 10m, reference = "permit" }, "alloc");
        await PostLosingAnswersAsync(admin, "/api/trades", ApiFixture.Trade(seller, buyer, 1m, 100m, 1, "131000", "NH3N", DateTimeOffset.UtcNow.AddMinutes(-1).ToString("yyyy-MM-dd'T'HH:mm:ssK")), "trade");
        await PostLosingAnswersAsync(sellerKey, "/api/trade-proposals", ApiFixture.Proposal(seller, buyer, 2m, 100m, 1, "131000", "NH3N"), "proposal");
        await PostLosingAnswersAsync(bankKey, "/api/pledges", new { bankId = "ICBC-LF", holder = seller, region = "131000", pollutant = "NH3N", quantity = 1m, loanAmount = 1000m }, "pledge");
        Assert.Equal(4, _storageDrop.Dropped);

        // State changes: a lost storage answer, then the client's own retry, take effect once and answer the same.
        var proposalId = (await _admin.GetJsonAsync($"/api/trade-proposals?party={seller}")).Body["items"]!.First()["id"]!.Value<string>();
        using var buyerClient = _server.Client(buyerKey);
        _storageDrop.Arm();
        var confirmed = (await buyerClient.PostJsonAsync($"/api/trade-proposals/{proposalId}/confirm", "{}")).Expect(200).Body;
        Assert.Equal(confirmed.ToString(), (await buyerClient.PostJsonAsync($"/api/trade-proposals/{proposalId}/confirm", "{}")).Expect(200).Body.ToString());
        Assert.Equal(5, _storageDrop.Dropped);

        var rows = await _api.MarketRowsAsync("131000-NH3N");
        int Count(string prefix) => rows.Count(r => r.RowKey.StartsWith(prefix, StringComparison.Ordinal));
        // Two requests of each kind (one whose storage answer was lost, one whose client answer was lost): two rows each,
        // and one more trade from the confirmation.
        Assert.Equal(2, Count("alloc:"));
        Assert.Equal(2, Count("proposal:"));
        Assert.Equal(2 + 1, Count("trade:"));
        Assert.Equal(2, Count("pledge:"));
        var audit = rows.Where(r => r.RowKey.StartsWith("audit:", StringComparison.Ordinal)).ToList();
        Assert.Equal(rows.Single(r => r.RowKey == "head").GetInt64("AuditCount"), audit.Count);
        Assert.All(audit.GroupBy(a => (a.GetString("Action"), a.GetString("Subject"))), g => Assert.Single(g));

        // Copied to the blob trail exactly once, even when the copier runs twice.
        var lines = (await CopiedTwiceAsync()).Where(l => l["market"]?.Value<string>() == "131000-NH3N").ToList();
        Assert.Equal(audit.Count, lines.Count);
        Assert.Equal(audit.Count, lines.Select(l => l["number"]!.Value<long>()).Distinct().Count());
    }

    /// <summary>Runs the audit copier twice (a repeat must copy nothing again) and reads the trail of today and yesterday (China time).</summary>
    private async Task<List<JObject>> CopiedTwiceAsync()
    {
        var trail = _server.Services.GetRequiredService<AuditTrail>();
        await trail.CopyAsync(CancellationToken.None);
        await trail.CopyAsync(CancellationToken.None);
        var today = DateOnly.FromDateTime(DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(8)).DateTime);
        return (await trail.ReadDayAsync(today, CancellationToken.None)).Concat(await trail.ReadDayAsync(today.AddDays(-1), CancellationToken.None))
            .Select(JObject.Parse).ToList();
    }

    /// <summary>
    /// A creating request whose storage answer is lost (the server retries: one effect), then the same request again from a
    /// client whose answer is lost, then again: the first body, replayed. One effect in all.
    /// </summary>
    private async Task<JObject> CreateOnceAsync(string apiKey, string path, object body, string key)
    {
        _storageDrop.Arm();
        var first = await _server.Client(apiKey).PostJsonAsync(path, body, ApiFixture.Key(key));
        Assert.True(first.Status is 201, first.ToString());
        using var losing = new HttpClient(new LoseFirstAnswer(apiKey)) { BaseAddress = _server.BaseAddress };
        await Assert.ThrowsAsync<HttpRequestException>(() => losing.PostJsonAsync(path, body, ApiFixture.Key(key)));
        var retried = (await losing.PostJsonAsync(path, body, ApiFixture.Key(key))).Expect(201);
        Assert.Equal("true", retried.Header("Idempotent-Replayed"));
        Assert.Equal(first.Body.ToString(), retried.Body.ToString());
        return first.Body;
    }

    /// <summary>A state change whose storage answer is lost, then repeated by the client: the same answer, one effect.</summary>
    private async Task ChangeOnceAsync(string apiKey, string path, object? body = null)
    {
        using var client = _server.Client(apiKey);
        _storageDrop.Arm();
        var first = (await client.PostJsonAsync(path, body ?? new { })).Expect(200).Body;
        Assert.Equal(first.ToString(), (await client.PostJsonAsync(path, body ?? new { })).Expect(200).Body.ToString());
    }

    [Fact]
    public async Task Every_kind_of_market_and_bank_write_after_a_lost_answer_and_retries_takes_effect_once_with_one_audit_record_in_the_trail()
    {
        var seller = (await _api.RegisterEnterpriseAsync("131000")).Value;
        var buyer = (await _api.RegisterEnterpriseAsync("131000")).Value;
        const string admin = ApiFixture.AdminKey;
        var sellerKey = await _api.IssueKeyAsync("enterprise", seller);
        var buyerKey = await _api.IssueKeyAsync("enterprise", buyer);
        var bankKey = await _api.IssueKeyAsync("bank", "ICBC-LF");
        const string market = "131000-TP";
        var now = DateTimeOffset.UtcNow;

        var allocation = await CreateOnceAsync(admin, "/api/allocations", new { holder = seller, region = "131000", pollutant = "TP", quantity = 20m, reference = "permit" }, "a1");
        await CreateOnceAsync(admin, "/api/allocations", new { holder = "reserve", region = "131000", pollutant = "TP", quantity = 10m, reference = "reserve" }, "a2");
        var proposal = await CreateOnceAsync(sellerKey, "/api/trade-proposals", ApiFixture.Proposal(seller, buyer, 1m, 100m, 1, "131000", "TP"), "p1");
        await ChangeOnceAsync(buyerKey, $"/api/trade-proposals/{proposal["id"]}/reject");
        var cancelled = await CreateOnceAsync(sellerKey, "/api/trade-proposals", ApiFixture.Proposal(seller, buyer, 1m, 100m, 1, "131000", "TP"), "p2");
        await ChangeOnceAsync(sellerKey, $"/api/trade-proposals/{cancelled["id"]}/cancel");
        var pledge = await CreateOnceAsync(bankKey, "/api/pledges", new { bankId = "ICBC-LF", holder = seller, region = "131000", pollutant = "TP", quantity = 1m, loanAmount = 1000m }, "pl");
        await ChangeOnceAsync(sellerKey, $"/api/pledges/{pledge["id"]}/accept");
        await ChangeOnceAsync(bankKey, $"/api/pledges/{pledge["id"]}/release");
        var listing = await CreateOnceAsync(sellerKey, "/api/listings",
            new { region = "131000", pollutant = "TP", seller, quantity = 5m, unitPrice = 100m, termYears = 1, minLot = 1m }, "l1");
        await CreateOnceAsync(buyerKey, $"/api/listings/{listing["id"]}/take", new { quantity = 1m }, "take");
        await ChangeOnceAsync(sellerKey, $"/api/listings/{listing["id"]}/withdraw");
        var auction = await CreateOnceAsync(admin, "/api/auctions", new
        {
            region = "131000", pollutant = "TP", quantity = 2m, termYears = 1, startPrice = 100m, increment = 10m, minLot = 1m,
            opensAt = now.AddMinutes(-1).ToString("yyyy-MM-dd'T'HH:mm:ssK"), closesAt = now.AddHours(1).ToString("yyyy-MM-dd'T'HH:mm:ssK"),
        }, "au");
        await CreateOnceAsync(buyerKey, $"/api/auctions/{auction["id"]}/bids", new { quantity = 1m, unitPrice = 110m }, "bid");
        await ChangeOnceAsync(admin, $"/api/allocations/{allocation["id"]}/revoke", new { reason = "closed" });
        var loan = await CreateOnceAsync(bankKey, "/api/loans", new
        {
            bankId = "ICBC-LF", borrower = seller, amount = 1_000_000m, annualRatePct = 3.2m, termMonths = 24,
            grantedAt = now.AddMinutes(-1).ToString("yyyy-MM-dd'T'HH:mm:ssK"), reference = "matchmaking",
        }, "loan");
        await ChangeOnceAsync(bankKey, $"/api/loans/{loan["id"]}/repay");

        var rows = await _api.MarketRowsAsync(market);
        int Count(string prefix) => rows.Count(r => r.RowKey.StartsWith(prefix, StringComparison.Ordinal));
        Assert.Equal((2, 2, 1, 1, 1, 1), (Count("alloc:"), Count("proposal:"), Count("pledge:"), Count("listing:"), Count("auction:"), Count("bid:")));
        Assert.Equal(1, Count("trade:"));
        var audit = rows.Where(r => r.RowKey.StartsWith("audit:", StringComparison.Ordinal)).ToList();
        Assert.Equal(rows.Single(r => r.RowKey == "head").GetInt64("AuditCount"), audit.Count);
        // One record per change: 2 allocations, 2 proposals and their ends, a pledge asked, accepted, released, a listing,
        // its take and the trade it records, its withdrawal, an auction, a bid, a revocation.
        Assert.Equal(16, audit.Count);
        Assert.All(audit.GroupBy(a => (a.GetString("Action"), a.GetString("Subject"))), g => Assert.Single(g));
        var book = new List<TableEntity>();
        await foreach (var e in _api.Storage.Loans.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {"ICBC-LF"}"))) book.Add(e);
        Assert.Single(book, e => e.RowKey.StartsWith("loan:", StringComparison.Ordinal));
        var bankAudit = book.Where(e => e.RowKey.StartsWith("audit:", StringComparison.Ordinal)).ToList();
        Assert.Equal(["loan.recorded", "loan.repaid"], bankAudit.Select(a => a.GetString("Action")).Order().ToList());

        // Copied to the blob trail exactly once, even when the copier runs twice: the market's and the bank's records.
        var lines = await CopiedTwiceAsync();
        var marketLines = lines.Where(l => l["market"]?.Value<string>() == market).ToList();
        Assert.Equal(audit.Count, marketLines.Count);
        Assert.Equal(audit.Count, marketLines.Select(l => l["number"]!.Value<long>()).Distinct().Count());
        var bankLines = lines.Where(l => l["partition"]?.Value<string>() == "loans-ICBC-LF").ToList();
        Assert.Equal(["loan.recorded", "loan.repaid"], bankLines.Select(l => l["action"]!.Value<string>()).Order().ToList());
    }

    /// <summary>A register partition's audit rows (they sort after its items: <c>~audit:{partition}:</c>).</summary>
    private static async Task<List<TableEntity>> RegisterAuditAsync(TableClient table, string partition)
    {
        var rows = new List<TableEntity>();
        await foreach (var r in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey ge {"~audit:" + partition + ":"} and RowKey lt {"~audit:" + partition + ";"}")))
            rows.Add(r);
        return rows;
    }

    private async Task<Reply> SendLosingFirstAnswerAsync(HttpMethod method, string path, object? body, string? key)
    {
        using var losing = new HttpClient(new LoseFirstAnswer(ApiFixture.AdminKey)) { BaseAddress = _server.BaseAddress };
        var headers = key is null ? null : ApiFixture.Key(key);
        await Assert.ThrowsAsync<HttpRequestException>(() => losing.SendAsync(method, path, body, headers));
        return await losing.SendAsync(method, path, body, headers);
    }

    [Fact]
    public async Task Key_issue_and_revoke_enterprise_and_product_puts_and_an_import_whose_answers_were_lost_after_the_commit_then_retried_and_repeated_leave_one_change_and_one_audit_record_each()
    {
        var storage = _api.Storage;
        // Key issue under an Idempotency-Key: storage's answer to the commit is lost (the retry finds the committed request),
        // then the client's answer is lost and it retries.
        _storageDrop.Arm();
        (await _admin.PostJsonAsync("/api/keys", new { role = "bank", subject = "CCB-LF" }, ApiFixture.Key("key-1"))).Expect(201);
        var retried = (await SendLosingFirstAnswerAsync(HttpMethod.Post, "/api/keys", new { role = "bank", subject = "CCB-LF" }, "key-2")).Expect(201);
        Assert.Equal("true", retried.Header("Idempotent-Replayed"));
        Assert.Equal(JTokenType.Null, retried.Body["key"]!.Type);
        var keys = (await _admin.GetJsonAsync("/api/keys?pageSize=1000")).Expect(200).Body["items"]!.Where(k => k["subject"]!.Value<string>() == "CCB-LF").ToList();
        Assert.Equal(2, keys.Count);
        Assert.DoesNotContain((await _admin.GetJsonAsync("/api/keys?pageSize=1000")).Body["items"]!, k => !k["id"]!.Value<string>()!.StartsWith('k'));

        // Revoke: storage's answer lost, then repeated, then the client's answer lost and retried: one revocation.
        var id = keys[0]["id"]!.Value<string>()!;
        _storageDrop.Arm();
        var revoked = (await _admin.SendAsync(HttpMethod.Delete, $"/api/keys/{id}")).Expect(200).Body;
        Assert.Equal(revoked.ToString(), (await _admin.SendAsync(HttpMethod.Delete, $"/api/keys/{id}")).Expect(200).Body.ToString());
        Assert.Equal(revoked.ToString(), (await SendLosingFirstAnswerAsync(HttpMethod.Delete, $"/api/keys/{id}", null, null)).Expect(200).Body.ToString());

        // Enterprise PUT (ungraded: no expiry index batch before the commit), storage's answer lost; then a change whose
        // client answer is lost and retried; then the same PUT again.
        var code = ApiFixture.NewCreditCode("131000").Value;
        var firm = new { name = "甲", region = "131000", industry = "Cement", positiveList = false, creditRating = "Blue" };
        _storageDrop.Arm();
        Assert.True((await _admin.PutJsonAsync($"/api/enterprises/{code}", firm)).Status is 200 or 201);
        var changed = new { name = "甲乙", region = "131000", industry = "Cement", positiveList = false, creditRating = "Blue" };
        (await SendLosingFirstAnswerAsync(HttpMethod.Put, $"/api/enterprises/{code}", changed, null)).Expect(200);
        (await _admin.PutJsonAsync($"/api/enterprises/{code}", changed)).Expect(200);

        // Product PUT likewise.
        var product = new { name = "贷", minGrade = "B", minCreditRating = "Blue", minAmount = 1000m, maxAmount = 2000000m, annualRatePct = 3.45m, termMonths = 36 };
        _storageDrop.Arm();
        Assert.True((await _admin.PutJsonAsync("/api/banks/CCB-LF/products/p1", product)).Status is 200 or 201);
        var renamed = new { name = "贷二", minGrade = "B", minCreditRating = "Blue", minAmount = 1000m, maxAmount = 2000000m, annualRatePct = 3.45m, termMonths = 36 };
        (await SendLosingFirstAnswerAsync(HttpMethod.Put, "/api/banks/CCB-LF/products/p1", renamed, null)).Expect(200);
        (await _admin.PutJsonAsync("/api/banks/CCB-LF/products/p1", renamed)).Expect(200);
        Assert.Single((await _admin.GetJsonAsync("/api/banks/CCB-LF/products")).Expect(200).Body["items"]!);
        Assert.Equal(4, _storageDrop.Dropped); // four commits' answers lost so far

        // Import: the start's storage answer lost, the client's answer lost and retried, the same import again.
        var imported = ApiFixture.NewCreditCode("131000").Value;
        var csv = $"creditCode,name,region,industry,creditRating\n{imported},丙,131000,Other,Green\n";
        _storageDrop.Arm();
        var started = await PostCsvAsync(_admin, csv, "import-1");
        Assert.Equal(202, started.Status);
        var importId = started.Body["id"]!.Value<string>()!;
        using (var losing = new HttpClient(new LoseFirstAnswer(ApiFixture.AdminKey)) { BaseAddress = _server.BaseAddress })
        {
            await Assert.ThrowsAsync<HttpRequestException>(() => PostCsvAsync(losing, csv, "import-1"));
            Assert.Equal("true", (await PostCsvAsync(losing, csv, "import-1")).Header("Idempotent-Replayed"));
        }
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while ((await _admin.GetJsonAsync($"/api/imports/{importId}")).Body["status"]!.Value<string>() != "done" && DateTime.UtcNow < deadline) await Task.Delay(200);
        Assert.Equal("true", (await PostCsvAsync(_admin, csv, "import-1")).Header("Idempotent-Replayed"));
        Assert.Equal(5, _storageDrop.Dropped);

        // One audit record per change in each partition.
        Assert.Equal(["key.issued", "key.issued", "key.revoked"],
            (await RegisterAuditAsync(storage.Keys, "key")).Where(a => a.GetString("Subject") is var s && keys.Any(k => k["id"]!.Value<string>() == s))
                .Select(a => a.GetString("Action")).Order());
        Assert.Equal(["enterprise.created", "enterprise.replaced"], (await RegisterAuditAsync(storage.Enterprises, code)).Select(a => a.GetString("Action")));
        Assert.Equal(["product.created", "product.replaced"], (await RegisterAuditAsync(storage.Products, "CCB-LF")).Select(a => a.GetString("Action")));
        Assert.Equal(["import.started"], (await RegisterAuditAsync(storage.Imports, importId)).Select(a => a.GetString("Action")));
        Assert.Equal(["enterprise.created"], (await RegisterAuditAsync(storage.Enterprises, imported)).Select(a => a.GetString("Action")));

        // Copied to the blob trail exactly once, even when the copier runs twice.
        var lines = await CopiedTwiceAsync();
        foreach (var (partition, table, key) in new[] { ("keys-key", storage.Keys, "key"), ($"enterprises-{code}", storage.Enterprises, code),
                     ("products-CCB-LF", storage.Products, "CCB-LF"), ($"imports-{importId}", storage.Imports, importId), ($"enterprises-{imported}", storage.Enterprises, imported) })
        {
            var copied = lines.Where(l => l["partition"]?.Value<string>() == partition).ToList();
            var rows = await RegisterAuditAsync(table, key);
            Assert.Equal(rows.Count, copied.Count);
            Assert.Equal(rows.Count, copied.Select(l => l["number"]!.Value<long>()).Distinct().Count());
        }
    }

    private static async Task<Reply> PostCsvAsync(HttpClient client, string csv, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/imports/enterprises") { Content = new StringContent(csv, System.Text.Encoding.UTF8, "text/csv") };
        request.Headers.Add("Idempotency-Key", key);
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return new Reply((int)response.StatusCode, text, response.Content.Headers.ContentType,
            response.Headers.Concat(response.Content.Headers).ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task A_pledge_loan_applied_for_and_approved_after_lost_answers_and_retries_is_one_loan_one_pledge_with_one_audit_record_each()
    {
        var firm = (await _api.RegisterEnterpriseAsync("131024", grade: "A")).Value;
        var buyer = (await _api.RegisterEnterpriseAsync("131024")).Value;
        await _api.AllocateAsync(firm, 40m, "131000", "COD");
        await _api.AllocateAsync("reserve", 30m, "131000", "COD");
        for (var i = 0; i < 3; i++)
            (await _admin.PostJsonAsync("/api/trades", ApiFixture.Trade("reserve", buyer, 2m, 5200m, 3, "131000", "COD",
                DateTimeOffset.UtcNow.AddDays(-10 - i).ToString("yyyy-MM-dd'T'HH:mm:ssK"), "ReserveSale"), ApiFixture.Key($"price-{i}"))).Expect(201);
        await _api.SecondSellerAsync("131000", "COD", 5200m, 3, DateTimeOffset.UtcNow.AddDays(-10).ToString("yyyy-MM-dd'T'HH:mm:ssK"));
        var bankKey = await _api.IssueKeyAsync("bank", "ONCE-LF");
        var firmKey = await _api.IssueKeyAsync("enterprise", firm);
        (await _server.Client(bankKey).PutJsonAsync("/api/banks/ONCE-LF/products/pledge-cod", new
        {
            name = "排污权质押贷", minGrade = "B", allowUngraded = false, minCreditRating = "Blue", requirePositiveList = false, industries = Array.Empty<string>(),
            regions = new[] { "1310" }, minAmount = 100_000m, maxAmount = 20_000_000m, annualRatePct = 3.45m, termMonths = 36,
            pledge = new { pollutants = new[] { "COD" }, loanToValue = 0.7m },
        })).Expect(201);

        var application = await CreateOnceAsync(firmKey, "/api/loan-applications", new
        {
            bankId = "ONCE-LF", productId = "pledge-cod", amount = 100_000m, purpose = "技改", pledge = new { region = "131000", pollutant = "COD", quantity = 20m },
        }, "apply");
        var approval = new
        {
            amount = 100_000m, annualRatePct = 3.45m, termMonths = 36, grantedAt = DateTimeOffset.UtcNow.AddMinutes(-1).ToString("yyyy-MM-dd'T'HH:mm:ssK"),
            pledge = new { quantity = 15m },
        };
        await ChangeOnceAsync(bankKey, $"/api/loan-applications/{application["id"]}/approve", approval);

        // One loan, one active pledge of what the bank took, the rest available again.
        var loans = (JArray)(await _server.Client(bankKey).GetJsonAsync("/api/loans")).Expect(200).Body["items"]!;
        Assert.Single(loans);
        var pledges = (await _admin.GetJsonAsync($"/api/pledges?holder={firm}")).Expect(200).Body["items"]!;
        Assert.Equal(15m, Assert.Single(pledges, p => p["status"]!.Value<string>() == "active")["quantity"]!.Value<decimal>());
        var holding = (await _admin.GetJsonAsync($"/api/enterprises/{firm}/holdings")).Expect(200).Array.Single(h => h["pollutant"]!.Value<string>() == "COD");
        Assert.Equal((40m, 15m, 0m), (holding["held"]!.Value<decimal>(), holding["pledged"]!.Value<decimal>(), holding["frozen"]!.Value<decimal>()));

        // Each step recorded once in its partition, and copied once to the blob trail.
        var book = new List<TableEntity>();
        await foreach (var e in _api.Storage.Loans.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {"ONCE-LF"} and RowKey ge {"audit:"} and RowKey lt {"audit;"}")))
            book.Add(e);
        Assert.All(book.GroupBy(a => (a.GetString("Action"), a.GetString("Subject"))), g => Assert.Single(g));
        Assert.Contains(book, a => a.GetString("Action") == "application.submitted");
        Assert.Contains(book, a => a.GetString("Action") == "application.approved");
        var market = (await _api.MarketRowsAsync("131000-COD")).Where(r => r.RowKey.StartsWith("audit:", StringComparison.Ordinal)).ToList();
        Assert.All(market.GroupBy(a => (a.GetString("Action"), a.GetString("Subject"))), g => Assert.Single(g));
        var lines = await CopiedTwiceAsync();
        Assert.Equal(book.Count, lines.Count(l => l["partition"]?.Value<string>() == "loans-ONCE-LF"));
        Assert.Equal(market.Count, lines.Count(l => l["market"]?.Value<string>() == "131000-COD"));
        Assert.Equal(market.Count, lines.Where(l => l["market"]?.Value<string>() == "131000-COD").Select(l => l["number"]!.Value<long>()).Distinct().Count());
    }
}

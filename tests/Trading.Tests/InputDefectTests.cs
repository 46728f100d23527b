using System.Text;
using Trading.Core.Primitives;
using Trading.Tests.Support;

namespace Trading.Tests;

/// <summary>
/// Bad input that used to pass or fail with 500 (issue 14): each is 400 or 422 with a problem document, records nothing,
/// never 500. Against the real server and Azurite.
/// </summary>
public sealed class InputDefectTests(ErrorFixture api) : IClassFixture<ErrorFixture>
{
    private string Allocation(string quantityMembers) =>
        $$"""{"holder":"{{api.Seller}}","region":"131000","pollutant":"SO2",{{quantityMembers}},"reference":"permit dup"}""";

    /// <summary>A refusal: its status, an RFC 9457 body (naming the field when given) and storage as it was.</summary>
    private async Task<JObject> RefusedAsync(HttpMethod method, string path, string? body, int status, string? field = null)
    {
        var before = await api.SnapshotAsync();
        var reply = await api.Admin.SendAsync(method, path, body, ApiFixture.Key(Guid.NewGuid().ToString()));
        AssertProblem(reply, status, field);
        Assert.Equal(before, await api.SnapshotAsync());
        return reply.Body;
    }

    private static void AssertProblem(Reply reply, int status, string? field = null)
    {
        reply.Expect(status);
        Assert.Equal("application/problem+json", reply.ContentType?.MediaType);
        var problem = reply.Body;
        Assert.Equal(status, problem["status"]!.Value<int>());
        Assert.False(string.IsNullOrEmpty(problem["title"]?.Value<string>()));
        Assert.False(string.IsNullOrEmpty(problem["detail"]?.Value<string>()));
        if (field is null) return;
        var errors = Assert.IsType<JObject>(problem["errors"]);
        Assert.True(errors.ContainsKey(field), $"errors should name '{field}': {reply.Text}");
    }

    // 1. Duplicate members.

    [Fact]
    public Task A_member_repeated_with_another_case_is_400_and_the_last_does_not_win() =>
        RefusedAsync(HttpMethod.Post, "/api/allocations", Allocation("\"quantity\":-1,\"Quantity\":0.5"), 400, "Quantity");

    [Fact]
    public Task A_member_repeated_exactly_is_400() =>
        RefusedAsync(HttpMethod.Post, "/api/allocations", Allocation("\"quantity\":0.5,\"quantity\":0.5"), 400, "quantity");

    [Fact]
    public Task A_member_repeated_in_upper_case_on_a_trade_is_400() =>
        RefusedAsync(HttpMethod.Post, "/api/trades",
            Newtonsoft.Json.JsonConvert.SerializeObject(ApiFixture.Trade(api.Seller, api.Buyer, 1m)).Replace("\"reference\"", "\"QUANTITY\":2,\"reference\""), 400, "QUANTITY");

    [Fact]
    public async Task Members_of_the_same_name_in_different_objects_are_not_duplicates()
    {
        // The same name in an array's objects (or nested objects) is fine; only one object's own members must differ.
        var reply = await api.Admin.SendAsync(HttpMethod.Post, "/api/allocations", Allocation("\"quantity\":0.5"), ApiFixture.Key(Guid.NewGuid().ToString()));
        reply.Expect(201);
        Assert.Equal(0.5m, reply.Body["quantity"]!.Value<decimal>());
    }

    // 2. Lone surrogates.

    [Theory]
    [InlineData("""{"\ud800":1}""")]
    [InlineData("""{"\udc00":1,"quantity":1}""")]
    [InlineData("""{"quan\ud800tity":1}""")]
    public Task A_lone_surrogate_in_a_member_name_is_400(string body) => RefusedAsync(HttpMethod.Post, "/api/allocations", body, 400, "body");

    [Theory]
    [InlineData("\\ud800")]
    [InlineData("permit \\udfff")]
    [InlineData("\\ude00\\ud83d")]
    public Task A_lone_surrogate_in_a_string_value_is_400(string reference) =>
        RefusedAsync(HttpMethod.Post, "/api/allocations", Allocation("\"quantity\":0.5").Replace("permit dup", reference), 400, "body");

    [Fact]
    public async Task A_surrogate_pair_escaped_is_text_and_accepted()
    {
        var reply = await api.Admin.SendAsync(HttpMethod.Post, "/api/allocations", Allocation("\"quantity\":0.25").Replace("permit dup", "permit \\ud83d\\ude00"),
            ApiFixture.Key(Guid.NewGuid().ToString()));
        reply.Expect(201);
        Assert.Equal("permit \U0001F600", reply.Body["reference"]!.Value<string>());
    }

    [Theory]
    [InlineData("/api/trades?party=%ED%A0%80")]
    [InlineData("/api/trades?region=%ED%A0%80")]
    [InlineData("/api/trades?method=%ED%A0%80")]
    [InlineData("/api/enterprises?grade=%ED%B0%80")]
    [InlineData("/api/enterprises/%ED%A0%80")]
    [InlineData("/api/trades/%ED%A0%80")]
    [InlineData("/api/markets/%ED%A0%80-SO2/prices")]
    [InlineData("/api/reports/%ED%A0%80")]
    public async Task A_lone_surrogate_in_a_query_or_route_parameter_is_refused_not_500(string path)
    {
        var reply = await api.Admin.GetJsonAsync(path);
        Assert.True(reply.Status is 400 or 404, reply.ToString());
        Assert.Equal("application/problem+json", reply.ContentType?.MediaType);
    }

    // 3. Months at the edges (2000-01, 9998-12).

    [Theory]
    [InlineData("/api/trades?to=9998-12")]
    [InlineData("/api/trades?from=2000-01")]
    [InlineData("/api/trades?from=2000-01&to=9998-12")]
    [InlineData("/api/trades?from=9998-12&to=9998-12")]
    [InlineData("/api/aggregates/period?from=2000-01&to=2000-12")]
    [InlineData("/api/aggregates/period?from=2000-01&to=2000-01")]
    [InlineData("/api/aggregates/period?from=9998-01&to=9998-12")]
    [InlineData("/api/aggregates/period?from=9998-12&to=9998-12")]
    [InlineData("/api/aggregates/monthly?month=2000-01")]
    [InlineData("/api/aggregates/monthly?month=9998-12")]
    [InlineData("/api/aggregates/loans?from=2000-01&to=2000-06")]
    [InlineData("/api/aggregates/loans?from=9998-07&to=9998-12")]
    [InlineData("/api/markets/131000-SO2/prices?from=2000-01&to=2000-12")]
    [InlineData("/api/markets/131000-SO2/prices?from=9989-01&to=9998-12")]
    [InlineData("/api/loans?from=2000-01&to=9998-12")]
    public async Task A_range_at_the_edge_of_the_calendar_is_answered(string path)
    {
        var reply = (await api.Admin.GetJsonAsync(path)).Expect(200);
        if (path.StartsWith("/api/aggregates/", StringComparison.Ordinal))
        {
            var body = reply.Body;
            Assert.Equal(0, (body["previousYear"]!["trades"] ?? body["previousYear"]!["loans"])!.Value<long>());
        }
    }

    [Fact]
    public async Task The_edge_month_counts_the_trades_in_it_and_nothing_before_2000()
    {
        // A trade on the first day there is (2000-01-01 00:00 China time) is in 2000-01 and in no year before.
        var seller = (await api.RegisterEnterpriseAsync("131000")).Value;
        await api.AllocateAsync(seller, 1m, "131000", "NOx");
        (await api.Admin.PostJsonAsync("/api/trades", ApiFixture.Trade(seller, api.Buyer, 0.5m, pollutant: "NOx", tradedAt: "2000-01-01T00:00:00+08:00"),
            ApiFixture.Key(Guid.NewGuid().ToString()))).Expect(201);
        var trades = (await api.Admin.GetJsonAsync($"/api/trades?party={seller}&to=2000-01")).Expect(200).Body;
        Assert.Single((JArray)trades["items"]!);
        var prices = (await api.Admin.GetJsonAsync("/api/markets/131000-NOx/prices?from=2000-01&to=2000-01")).Expect(200).Array;
        Assert.Equal(1, Assert.Single(prices)["trades"]!.Value<long>());
        var period = (await api.Admin.GetJsonAsync("/api/aggregates/period?from=2000-01&to=2000-01&region=131000")).Expect(200).Body;
        Assert.Equal(0, period["previousYear"]!["trades"]!.Value<long>());
        var monthly = (await api.Admin.GetJsonAsync("/api/aggregates/monthly?month=2000-01&region=131000")).Expect(200).Body;
        Assert.Equal(0, monthly["previousMonth"]!["trades"]!.Value<long>());
        (await api.Admin.PostJsonAsync("/api/trades", ApiFixture.Trade(seller, api.Buyer, 0.1m, pollutant: "NOx", tradedAt: "1999-12-31T23:59:59+08:00"),
            ApiFixture.Key(Guid.NewGuid().ToString()))).Expect(422);
    }

    [Theory]
    [InlineData("/api/trades?from=1999-12", "from")]
    [InlineData("/api/trades?to=9999-01", "to")]
    [InlineData("/api/trades?to=2024-13", "to")]
    [InlineData("/api/trades?to=2024-00", "to")]
    [InlineData("/api/trades?to=0000-00", "to")]
    [InlineData("/api/trades?from=-001-01", "from")]
    [InlineData("/api/trades?from=2024-6", "from")]
    [InlineData("/api/aggregates/period?from=1999-12&to=2000-01", "from")]
    [InlineData("/api/aggregates/period?from=9998-12&to=9999-01", "to")]
    [InlineData("/api/aggregates/period?from=2000-01&to=9998-12", "to")]
    [InlineData("/api/aggregates/monthly?month=9999-12", "month")]
    [InlineData("/api/aggregates/loans?from=2000-00&to=2000-01", "from")]
    [InlineData("/api/markets/131000-SO2/prices?from=1999-01", "from")]
    [InlineData("/api/markets/131000-SO2/prices?from=2000-01&to=9998-12", "from")]
    [InlineData("/api/loans?to=9999-01", "to")]
    public Task A_month_outside_the_calendar_is_400(string path, string field) => RefusedAsync(HttpMethod.Get, path, null, 400, field);

    [Fact]
    public Task A_key_expiring_after_9998_China_time_is_400_not_500() =>
        RefusedAsync(HttpMethod.Post, "/api/keys", """{"role":"official","subject":"1310","expiresAt":"9999-12-31T23:59:59+00:00"}""", 400, "expiresAt");

    [Fact]
    public Task A_grade_valid_until_9999_is_400_not_500() =>
        RefusedAsync(HttpMethod.Put, $"/api/enterprises/{ApiFixture.NewCreditCode("131024")}",
            """{"name":"n","region":"131024","industry":"IndustrialCoating","grade":"B","gradeValidUntil":"9999-12-31","positiveList":true,"creditRating":"Blue"}""", 400, "gradeValidUntil");

    // 4. Imports: the same key with two files at once.

    private static string Csv(params CreditCode[] codes) =>
        "creditCode,name,region,industry,grade,gradeValidUntil,positiveList,creditRating\n"
        + string.Concat(codes.Select((c, i) => $"{c},并发导入{i},131000,Furniture,B,2027-12-31,true,Blue\n"));

    private static async Task<Reply> PostCsvAsync(HttpClient client, string csv, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/imports/enterprises") { Content = new StringContent(csv, Encoding.UTF8, "text/csv") };
        request.Headers.Add("Idempotency-Key", key);
        using var response = await client.SendAsync(request);
        return new Reply((int)response.StatusCode, await response.Content.ReadAsStringAsync(), response.Content.Headers.ContentType,
            response.Headers.Concat(response.Content.Headers).ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase));
    }

    private async Task<JObject> ImportDoneAsync(string id)
    {
        var deadline = DateTime.UtcNow.AddMinutes(2);
        JObject job;
        do
        {
            await Task.Delay(200);
            job = (await api.Admin.GetJsonAsync($"/api/imports/{id}")).Expect(200).Body;
        } while (job["status"]!.Value<string>() != "done" && DateTime.UtcNow < deadline);
        Assert.Equal("done", job["status"]!.Value<string>());
        return job;
    }

    [Fact]
    public async Task One_key_with_two_files_at_once_starts_one_job_that_imports_the_file_it_answered_for()
    {
        for (var round = 0; round < 8; round++)
        {
            var key = $"race-{round}-{Guid.NewGuid():N}";
            CreditCode[] a = [ApiFixture.NewCreditCode(), ApiFixture.NewCreditCode()];
            CreditCode[] b = [ApiFixture.NewCreditCode(), ApiFixture.NewCreditCode(), ApiFixture.NewCreditCode()];
            var replies = await Task.WhenAll(PostCsvAsync(api.Admin, Csv(a), key), PostCsvAsync(api.Admin, Csv(b), key));
            Assert.Equal([202, 422], replies.Select(r => r.Status).Order());
            var winner = replies[0].Status == 202 ? 0 : 1;
            AssertProblem(replies[1 - winner], 422);
            var (imported, refused) = winner == 0 ? (a, b) : (b, a);
            var started = replies[winner].Body;
            Assert.Equal(imported.Length, started["rows"]!.Value<long>());
            var job = await ImportDoneAsync(started["id"]!.Value<string>()!);
            Assert.Equal(imported.Length, job["created"]!.Value<long>());
            Assert.Equal(0, job["failed"]!.Value<long>());
            foreach (var code in imported) (await api.Admin.GetJsonAsync($"/api/enterprises/{code}")).Expect(200);
            foreach (var code in refused) (await api.Admin.GetJsonAsync($"/api/enterprises/{code}")).Expect(404);
            // Either file again: the one it imported replays, the other is still 422.
            var replay = (await PostCsvAsync(api.Admin, Csv(imported), key)).Expect(202);
            Assert.Equal("true", replay.Header("Idempotent-Replayed"));
            Assert.Equal(started["id"]!.Value<string>(), replay.Body["id"]!.Value<string>());
            AssertProblem(await PostCsvAsync(api.Admin, Csv(refused), key), 422);
        }
    }

    [Fact]
    public async Task One_key_with_the_same_file_twice_at_once_is_one_job_and_one_replay()
    {
        for (var round = 0; round < 5; round++)
        {
            var key = $"same-{round}-{Guid.NewGuid():N}";
            var csv = Csv(ApiFixture.NewCreditCode(), ApiFixture.NewCreditCode());
            var replies = await Task.WhenAll(PostCsvAsync(api.Admin, csv, key), PostCsvAsync(api.Admin, csv, key));
            Assert.All(replies, r => r.Expect(202));
            Assert.Single(replies, r => r.Header("Idempotent-Replayed") == "true");
            Assert.Equal(replies[0].Body["id"]!.Value<string>(), replies[1].Body["id"]!.Value<string>());
            var job = await ImportDoneAsync(replies[0].Body["id"]!.Value<string>()!);
            Assert.Equal(2, job["created"]!.Value<long>() + job["unchanged"]!.Value<long>() + job["updated"]!.Value<long>());
            Assert.Equal(2, job["done"]!.Value<long>());
        }
    }

    // 5. The method filter of GET /api/trades.

    [Fact]
    public async Task Trades_filter_by_method_and_page_without_skipping_rows()
    {
        // One market of its own: agreements and reserve sales interleaved, so that the filter drops every other row.
        var region = "131000";
        var seller = (await api.RegisterEnterpriseAsync(region)).Value;
        var buyer = (await api.RegisterEnterpriseAsync(region)).Value;
        await api.AllocateAsync(seller, 10m, region, "COD");
        await api.AllocateAsync("reserve", 10m, region, "COD");
        var expected = new Dictionary<string, List<string>> { ["Agreement"] = [], ["ReserveSale"] = [] };
        for (var i = 0; i < 14; i++)
        {
            var reserve = i % 3 == 0;
            var tradedAt = new DateTimeOffset(2024, 3, 1 + i, 10, 0, 0, ReportingMonth.ChinaOffset).ToString("yyyy-MM-dd'T'HH:mm:sszzz");
            var trade = ApiFixture.Trade(reserve ? "reserve" : seller, buyer, 0.1m, pollutant: "COD", tradedAt: tradedAt, method: reserve ? "ReserveSale" : "Agreement");
            var id = (await api.Admin.PostJsonAsync("/api/trades", trade, ApiFixture.Key(Guid.NewGuid().ToString()))).Expect(201).Body["id"]!.Value<string>()!;
            expected[reserve ? "ReserveSale" : "Agreement"].Insert(0, id); // newest first
        }
        foreach (var (method, ids) in expected)
        {
            foreach (var pageSize in new[] { 1, 2, 3, 100 })
            {
                var seen = new List<string>();
                string? token = null;
                var pages = 0;
                do
                {
                    var path = $"/api/trades?party={buyer}&pollutant=COD&method={method}&pageSize={pageSize}"
                               + (token is null ? "" : "&continuationToken=" + Uri.EscapeDataString(token));
                    var page = (await api.Admin.GetJsonAsync(path)).Expect(200).Body;
                    var items = (JArray)page["items"]!;
                    Assert.All(items, t => Assert.Equal(method, t["method"]!.Value<string>()));
                    seen.AddRange(items.Select(t => t["id"]!.Value<string>()!));
                    token = page["continuationToken"]!.Type == JTokenType.Null ? null : page["continuationToken"]!.Value<string>();
                    if (token is not null) Assert.Equal(pageSize, items.Count); // no short (or empty) page with a token
                    Assert.True(++pages <= ids.Count + 1, "paging does not end");
                } while (token is not null);
                Assert.Equal(ids, seen);
            }
        }
        // Without the filter: every trade; Listing and Auction: none of these.
        var all = (await api.Admin.GetJsonAsync($"/api/trades?party={buyer}&pollutant=COD")).Expect(200).Body;
        Assert.Equal(14, ((JArray)all["items"]!).Count);
        foreach (var none in new[] { "Listing", "Auction" })
            Assert.Empty((JArray)(await api.Admin.GetJsonAsync($"/api/trades?party={buyer}&method={none}")).Expect(200).Body["items"]!);
    }

    [Theory]
    [InlineData("Barter")]
    [InlineData("")]
    [InlineData("0")]
    [InlineData("Agreement,Listing")]
    [InlineData("agreement")]
    [InlineData(" Agreement")]
    public Task An_unknown_method_is_400(string method) =>
        RefusedAsync(HttpMethod.Get, "/api/trades?method=" + Uri.EscapeDataString(method), null, 400, "method");

    [Theory]
    [InlineData("/api/trade-proposals?status=proposed,expired")]
    [InlineData("/api/trade-proposals?status=1")]
    [InlineData("/api/pledges?status=active,released")]
    public Task A_status_that_is_not_one_name_is_400(string path) => RefusedAsync(HttpMethod.Get, path, null, 400, "status");

    // Others of the same family: page sizes, tokens, huge numbers, deep nesting.

    private static readonly string[] s_lists =
    [
        "/api/trades", "/api/enterprises", "/api/keys", "/api/listings", "/api/auctions", "/api/trade-proposals", "/api/pledges", "/api/loans",
        "/api/banks/ICBC-LF/loan-applications", "/api/enterprises/{code}/loan-applications",
    ];

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("1001")]
    [InlineData("2147483648")]
    [InlineData("99999999999999999999999")]
    [InlineData("1e3")]
    [InlineData("10.0")]
    [InlineData("")]
    public async Task A_page_size_out_of_range_is_400_on_every_list(string pageSize)
    {
        // A bank's applications are one unpaged list (no pageSize there).
        foreach (var list in s_lists.Where(l => !l.StartsWith("/api/banks/", StringComparison.Ordinal)))
        {
            var reply = await api.Admin.GetJsonAsync(list.Replace("{code}", api.Seller) + "?pageSize=" + Uri.EscapeDataString(pageSize));
            Assert.True(reply.Status == 400 || (pageSize == "" && reply.Status == 200), $"{list}: {reply}");
        }
    }

    [Theory]
    [InlineData("!!!")]
    [InlineData("a")]
    [InlineData("%00")]
    [InlineData("AAAA")]
    [InlineData("ZGVmaW5pdGVseSBub3QgYSB0b2tlbg")] // "definitely not a token"
    [InlineData("Ynl0aW1lOnp6eg")] // "bytime:zzz"
    [InlineData("_-_-_-_-_-_-_-_-")]
    [InlineData("gICAgICAgIA")] // bytes that are not UTF-8
    [InlineData("CgoKCgo")] // newlines
    [InlineData("eyJuZXh0UGFydGl0aW9uS2V5IjoiJyJ9")]
    [InlineData("long-bytime")] // base64url of "bytime:" and 1,017 z: a key as long as storage allows
    [InlineData("long-a")] // base64url of 1,024 a
    [InlineData("too-long")] // base64url of 1,025 a
    public async Task A_continuation_token_we_did_not_give_is_never_500(string token)
    {
        var failures = new List<string>();
        foreach (var list in s_lists.Append("/api/banks/ICBC-LF/products/p1/eligible"))
        {
            var value = token switch
            {
                "long-bytime" => B64("bytime:" + new string('z', 1017)),
                "long-a" => B64(new string('a', 1024)),
                "too-long" => B64(new string('a', 1025)),
                _ => token,
            };
            var reply = await api.Admin.GetJsonAsync(list.Replace("{code}", api.Seller) + "?continuationToken=" + value);
            if (reply.Status is not (200 or 400 or 404) || (reply.Status != 200 && reply.ContentType?.MediaType != "application/problem+json"))
                failures.Add($"{list}: {reply}");
        }
        Assert.Empty(failures);
    }

    private static string B64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    [Theory]
    [InlineData("1e400")]
    [InlineData("-1e400")]
    [InlineData("1e-400")]
    [InlineData("79228162514264337593543950336")]
    [InlineData("-79228162514264337593543950336")]
    [InlineData("79228162514264337593543950335")]
    [InlineData("7922816251426433759354395033.5")]
    [InlineData("0.0000000000000000000000000000001")]
    [InlineData("123456789012345678901234567890123456789012345678901234567890")]
    public async Task A_huge_or_tiny_number_is_400_or_422(string number)
    {
        await RefusedAsync(HttpMethod.Post, "/api/allocations", Allocation($"\"quantity\":{number}"), 400);
        var trade = Newtonsoft.Json.JsonConvert.SerializeObject(ApiFixture.Trade(api.Seller, api.Buyer, 1m));
        foreach (var (member, value) in new[] { ("\"quantity\":1.0", $"\"quantity\":{number}"), ("\"unitPrice\":6000.0", $"\"unitPrice\":{number}"), ("\"termYears\":5", $"\"termYears\":{number}") })
        {
            Assert.Contains(member, trade);
            var before = await api.SnapshotAsync();
            var reply = await api.Admin.SendAsync(HttpMethod.Post, "/api/trades", trade.Replace(member, value), ApiFixture.Key(Guid.NewGuid().ToString()));
            Assert.True(reply.Status is 400 or 422, $"{value}: {reply}");
            AssertProblem(reply, reply.Status);
            Assert.Equal(before, await api.SnapshotAsync());
        }
    }

    [Theory]
    [InlineData(33)]
    [InlineData(1000)]
    [InlineData(20000)]
    public Task Deeply_nested_json_is_400(int depth) =>
        RefusedAsync(HttpMethod.Post, "/api/allocations", Allocation("\"quantity\":0.5").Replace("\"permit dup\"", new string('[', depth) + new string(']', depth)), 400);
}

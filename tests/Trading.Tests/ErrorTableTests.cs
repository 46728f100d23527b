using Trading.Tests.Support;

namespace Trading.Tests;

/// <summary>A seller with 10 t of SO2 in 131000 and a registered buyer, shared by the error cases.</summary>
public sealed class ErrorFixture : ApiFixture
{
    public string Seller { get; private set; } = "";
    public string Buyer { get; private set; } = "";

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Seller = (await RegisterEnterpriseAsync("131000")).Value;
        Buyer = (await RegisterEnterpriseAsync("131000")).Value;
        await AllocateAsync(Seller, 10m);
    }
}

/// <summary>Every bad input of api.md's error table: its status, a problem body, and storage left as it was.</summary>
public sealed class ErrorTableTests(ErrorFixture api) : IClassFixture<ErrorFixture>
{
    private string ValidTrade(string? replace = null, string? with = null)
    {
        var json = $$"""{"region":"131000","pollutant":"SO2","seller":"{{api.Seller}}","buyer":"{{api.Buyer}}","quantity":8.074,"unitPrice":6000.00,"termYears":5,"method":"Agreement","tradedAt":"2024-06-30T23:30:00+08:00","amount":242220.00,"reference":"contract 2024-118"}""";
        return replace is null ? json : json.Replace(replace, with);
    }

    private async Task<JObject> RefusedAsync(string path, string body, int status, string? field = null, Dictionary<string, string>? headers = null, HttpMethod? method = null)
    {
        var before = await api.SnapshotAsync();
        var reply = await api.Admin.SendAsync(method ?? HttpMethod.Post, path, body, headers ?? ApiFixture.Key(Guid.NewGuid().ToString()));
        reply.Expect(status);
        Assert.Equal("application/problem+json", reply.ContentType?.MediaType);
        var problem = reply.Body;
        Assert.Equal(status, problem["status"]!.Value<int>());
        Assert.False(string.IsNullOrEmpty(problem["title"]?.Value<string>()));
        Assert.False(string.IsNullOrEmpty(problem["detail"]?.Value<string>()));
        Assert.StartsWith("https://", problem["type"]!.Value<string>());
        if (field is not null)
        {
            var errors = Assert.IsType<JObject>(problem["errors"]);
            Assert.True(errors.ContainsKey(field), $"errors should name '{field}': {reply.Text}");
            Assert.NotEmpty((JArray)errors[field]!);
        }
        Assert.Equal(before, await api.SnapshotAsync());
        return problem;
    }

    [Fact]
    public Task Malformed_json_is_400() => RefusedAsync("/api/trades", ValidTrade()[..40], 400);

    [Fact]
    public Task Not_an_object_is_400() => RefusedAsync("/api/trades", "[1,2,3]", 400, "body");

    [Fact]
    public Task Empty_body_is_400() => RefusedAsync("/api/trades", "", 400, "body");

    [Fact]
    public Task Unknown_field_is_400_naming_it() => RefusedAsync("/api/trades", ValidTrade("\"reference\"", "\"discount\":1,\"reference\""), 400, "discount");

    [Fact]
    public Task Number_sent_as_string_is_400() => RefusedAsync("/api/trades", ValidTrade("8.074", "\"8.074\""), 400, "quantity");

    [Fact]
    public Task String_sent_as_number_is_400() => RefusedAsync("/api/trades", ValidTrade("\"131000\"", "131000"), 400, "region");

    [Fact]
    public Task Fractional_term_is_400() => RefusedAsync("/api/trades", ValidTrade("\"termYears\":5", "\"termYears\":5.5"), 400, "termYears");

    [Fact]
    public Task Missing_required_field_is_400() => RefusedAsync("/api/trades", ValidTrade("\"unitPrice\":6000.00,", ""), 400, "unitPrice");

    [Fact]
    public Task Bad_credit_code_check_character_is_400() =>
        RefusedAsync("/api/trades", ValidTrade(api.Buyer, api.Buyer[..17] + (api.Buyer[17] == '0' ? '1' : '0')), 400, "buyer");

    [Fact]
    public Task Bad_region_code_is_400() => RefusedAsync("/api/trades", ValidTrade("\"131000\"", "\"1310\""), 400, "region");

    [Fact]
    public Task Unknown_pollutant_is_400() => RefusedAsync("/api/trades", ValidTrade("\"SO2\"", "\"CO2\""), 400, "pollutant");

    [Fact]
    public Task Timestamp_without_offset_is_400() => RefusedAsync("/api/trades", ValidTrade("+08:00", ""), 400, "tradedAt");

    [Fact]
    public Task Quantity_finer_than_a_gram_is_400() => RefusedAsync("/api/trades", ValidTrade("8.074", "8.0740001"), 400, "quantity");

    [Fact]
    public Task Money_finer_than_a_fen_is_400() => RefusedAsync("/api/trades", ValidTrade("6000.00", "6000.001"), 400, "unitPrice");

    [Fact]
    public Task Missing_idempotency_key_is_400() =>
        RefusedAsync("/api/trades", ValidTrade(), 400, "Idempotency-Key", headers: new Dictionary<string, string>());

    [Fact]
    public Task Body_over_64_KiB_is_413() =>
        RefusedAsync("/api/trades", ValidTrade("contract 2024-118", new string('x', 65 * 1024)), 413);

    [Fact]
    public Task Seller_equal_to_buyer_is_422() => RefusedAsync("/api/trades", ValidTrade(api.Buyer, api.Seller), 422);

    [Fact]
    public async Task Unregistered_party_is_422()
    {
        var stranger = ApiFixture.NewCreditCode().Value;
        var problem = await RefusedAsync("/api/trades", ValidTrade(api.Buyer, stranger), 422);
        Assert.Contains("not a registered enterprise", problem["detail"]!.Value<string>());
    }

    [Fact]
    public async Task Amount_mismatch_is_422()
    {
        var problem = await RefusedAsync("/api/trades", ValidTrade("242220.00", "242220.01"), 422);
        Assert.Contains("242220.00", problem["detail"]!.Value<string>());
    }

    [Fact]
    public Task Date_in_future_is_422() => RefusedAsync("/api/trades", ValidTrade("2024-06-30T23:30:00+08:00", DateTimeOffset.UtcNow.AddMinutes(10).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'")), 422);

    [Fact]
    public Task Date_before_2000_is_422() => RefusedAsync("/api/trades", ValidTrade("2024-06-30T23:30:00+08:00", "1999-12-31T23:00:00+08:00"), 422);

    [Fact]
    public async Task Not_enough_available_quantity_is_409_with_available()
    {
        var problem = await RefusedAsync("/api/trades", ValidTrade("8.074", "10.5").Replace(",\"amount\":242220.00", ""), 409);
        Assert.Equal(10m, problem["available"]!.Value<decimal>());
    }

    [Fact]
    public async Task Key_reused_with_another_body_is_422()
    {
        (await api.Admin.PostJsonAsync("/api/trades", ValidTrade("8.074", "0.001").Replace(",\"amount\":242220.00", ""), ApiFixture.Key("reused-key"))).Expect(201);
        await RefusedAsync("/api/trades", ValidTrade("8.074", "0.002").Replace(",\"amount\":242220.00", ""), 422, headers: ApiFixture.Key("reused-key"));
    }

    [Fact]
    public Task Allocation_with_bad_fields_is_400_naming_each() =>
        RefusedAsync("/api/allocations", """{"holder":"nobody","region":"13","pollutant":"SO2","quantity":-1}""", 400, "holder");

    [Fact]
    public Task Allocation_to_an_unregistered_enterprise_is_422() =>
        RefusedAsync("/api/allocations", $$"""{"holder":"{{ApiFixture.NewCreditCode()}}","region":"131000","pollutant":"SO2","quantity":1,"reference":"permit"}""", 422);

    [Fact]
    public Task Enterprise_with_wrong_check_character_is_400() =>
        RefusedAsync("/api/enterprises/91330100716105852E",
            """{"name":"x","region":"131024","industry":"Other","creditRating":"Green"}""", 400, "creditCode", method: HttpMethod.Put);

    [Fact]
    public Task Enterprise_with_unknown_industry_is_400() =>
        RefusedAsync("/api/enterprises/91330100716105852F",
            """{"name":"x","region":"131024","industry":"Mining","creditRating":"Green"}""", 400, "industry", method: HttpMethod.Put);

    [Fact]
    public async Task Bad_query_parameters_are_400_naming_each()
    {
        var reply = (await api.Admin.GetJsonAsync("/api/trades?region=131&from=2024-13&pageSize=0")).Expect(400);
        var errors = (JObject)reply.Body["errors"]!;
        Assert.True(errors.ContainsKey("region") && errors.ContainsKey("from") && errors.ContainsKey("pageSize"), reply.Text);
    }

    [Theory]
    [InlineData("trailing comma", "\"reference\":\"contract 2024-118\"}", "\"reference\":\"contract 2024-118\",}")]
    [InlineData("comment", "{\"region\"", "{/* note */\"region\"")]
    [InlineData("line comment", "{\"region\"", "{// note\n\"region\"")]
    [InlineData("single quotes", "\"method\":\"Agreement\"", "'method':'Agreement'")]
    [InlineData("unquoted name", "\"method\":", "method:")]
    [InlineData("duplicate member", "\"quantity\":8.074", "\"quantity\":-1,\"quantity\":8.074")]
    [InlineData("duplicate in reverse", "\"quantity\":8.074", "\"quantity\":8.074,\"quantity\":-1")]
    public async Task Lenient_JSON_is_400_and_records_nothing(string form, string replace, string with)
    {
        var body = ValidTrade(replace, with);
        Assert.NotEqual(ValidTrade(), body);
        var problem = await RefusedAsync("/api/trades", body, 400);
        Assert.False(string.IsNullOrEmpty(problem["detail"]!.Value<string>()), form);
    }

    [Theory]
    [InlineData("\"quantity\":8.074", "\"quantity\":123456789012345678901234567890123")]
    [InlineData("\"termYears\":5", "\"termYears\":123456789012345678901234567890123")]
    [InlineData("\"amount\":242220.00", "\"amount\":123456789012345678901234567890123")]
    [InlineData("\"unitPrice\":6000.00", "\"unitPrice\":1e400")]
    public async Task Numbers_of_any_length_are_400_or_422_never_500(string replace, string with)
    {
        var before = await api.SnapshotAsync();
        var reply = await api.Admin.SendAsync(HttpMethod.Post, "/api/trades", ValidTrade(replace, with), ApiFixture.Key(Guid.NewGuid().ToString()));
        Assert.True(reply.Status is 400 or 422, reply.ToString());
        Assert.Equal("application/problem+json", reply.ContentType?.MediaType);
        Assert.Equal(before, await api.SnapshotAsync());
    }

    [Fact]
    public async Task An_amount_beyond_the_ledgers_range_is_422()
    {
        // 1,000,000,000 t × 1,000,000 CNY × 5 years: far past 10^13 CNY for one trade.
        var problem = await RefusedAsync("/api/trades", ValidTrade("\"quantity\":8.074", "\"quantity\":1000000000").Replace("\"unitPrice\":6000.00", "\"unitPrice\":1000000")
            .Replace(",\"amount\":242220.00", ""), 422);
        Assert.Contains("range", problem["detail"]!.Value<string>());
        await RefusedAsync("/api/trades", ValidTrade("\"amount\":242220.00", "\"amount\":99999999999999.99"), 422);
    }

    [Fact]
    public async Task A_method_the_route_does_not_have_gets_a_problem_body()
    {
        var reply = await api.Admin.SendAsync(HttpMethod.Delete, "/api/health");
        Assert.True(reply.Status is 404 or 405, reply.ToString());
        Assert.Equal("application/problem+json", reply.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_forged_continuation_token_is_400() =>
        (await api.Admin.GetJsonAsync("/api/trades?continuationToken=bm9wZQ")).Expect(400);
}

public sealed class StorageDownTests
{
    [Fact]
    public async Task Storage_down_gives_503_with_Retry_After_on_health_and_writes()
    {
        await using var server = await TestServer.StartAsync(Azurite.Unreachable(), "down", ApiFixture.AdminKey, null,
            "--Trading:StorageTimeout=00:00:02");
        using var client = server.Client(ApiFixture.AdminKey);

        var health = await client.GetJsonAsync("/api/health");
        health.Expect(503);
        Assert.NotNull(health.Header("Retry-After"));
        Assert.Equal("application/problem+json", health.ContentType?.MediaType);

        var trade = await client.PostJsonAsync("/api/trades", ApiFixture.Trade(ApiFixture.NewCreditCode().Value, ApiFixture.NewCreditCode().Value, 1m), ApiFixture.Key("k"));
        trade.Expect(503);
        Assert.NotNull(trade.Header("Retry-After"));
        Assert.Equal(503, trade.Body["status"]!.Value<int>());
    }

    [Fact]
    public async Task A_standalone_instance_started_before_storage_keeps_serving_and_is_healthy_once_storage_is_up()
    {
        var (blob, table, queue) = (Azurite.FreePort(), Azurite.FreePort(), Azurite.FreePort());
        await using var server = await TestServer.StartAsync(Azurite.ConnectionStringFor(blob, table, queue), "early", ApiFixture.AdminKey, null,
            "--Trading:StorageTimeout=00:00:02", "--Trading:Timers=true");
        using var client = server.Client(ApiFixture.AdminKey);
        await Task.Delay(TimeSpan.FromSeconds(3)); // the timers have found no storage by now; the server must still be there
        (await client.GetJsonAsync("/api/health")).Expect(503);
        await using var azurite = await Azurite.StartAsync(blob, table, queuePort: queue);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        Reply health;
        do health = await client.GetJsonAsync("/api/health");
        while (health.Status != 200 && DateTime.UtcNow < deadline && await Task.Delay(200).ContinueWith(_ => true));
        health.Expect(200);
    }

    [Fact]
    public async Task Storage_that_comes_back_is_used_again_without_a_restart()
    {
        var (blob, table, queue) = (Azurite.FreePort(), Azurite.FreePort(), Azurite.FreePort());
        await using var server = await TestServer.StartAsync(Azurite.ConnectionStringFor(blob, table, queue), "back", ApiFixture.AdminKey, null,
            "--Trading:StorageTimeout=00:00:02");
        using var client = server.Client(ApiFixture.AdminKey);
        (await client.GetJsonAsync("/api/health")).Expect(503);
        await using var azurite = await Azurite.StartAsync(blob, table, queuePort: queue);
        (await client.GetJsonAsync("/api/health")).Expect(200);
        (await client.PutJsonAsync($"/api/enterprises/{ApiFixture.NewCreditCode()}",
            new { name = "x", region = "131024", industry = "Other", creditRating = "Green" })).Expect(201);
    }
}

using Trading.Tests.Support;

namespace Trading.Tests;

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

using Azure.Data.Tables;
using Trading.Tests.Support;

namespace Trading.Tests;

/// <summary>Trade proposals and pledge requests over HTTP against real Azurite: nobody moves or binds rights without consent.</summary>
public sealed class ConsentTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private const string Timer = """{"input":""}""";

    [Fact]
    public async Task Sixty_racing_seller_proposals_on_two_instances_freeze_exactly_what_is_available_and_every_ending_returns_it()
    {
        await using var second = await api.StartServerAsync();
        var seller = (await api.RegisterEnterpriseAsync("131000")).Value;
        var buyer = (await api.RegisterEnterpriseAsync("131000")).Value;
        await api.AllocateAsync(seller, 20m, "131000", "PM");
        await api.AllocateAsync("reserve", 3m, "131000", "PM");
        var sellerKey = await api.IssueKeyAsync("enterprise", seller);
        using var one = api.Server.Client(sellerKey);
        using var two = second.Client(sellerKey);

        // 60 proposals of 0.7 t from 20 t: exactly ⌊20 / 0.7⌋ = 28 can freeze their quantity.
        // Long enough that a loaded machine still creates them all before it passes.
        var expiry = DateTimeOffset.UtcNow.AddSeconds(20);
        var expiresAt = expiry.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd'T'HH:mm:sszzz");
        var replies = await Task.WhenAll(Enumerable.Range(0, 60).Select(i => (i % 2 == 0 ? one : two).PostJsonAsync("/api/trade-proposals",
            ApiFixture.Proposal(seller, buyer, 0.7m, 1000m, 1, "131000", "PM", i < 40 ? null : expiresAt), ApiFixture.Key($"offer-{i}"))));
        Assert.All(replies, r => Assert.True(r.Status is 201 or 409, r.ToString()));
        var open = replies.Where(r => r.Status == 201).Select(r => r.Body).ToList();
        Assert.Equal(28, open.Count);
        Assert.All(replies.Where(r => r.Status == 409), r => Assert.True(r.Body["available"]!.Value<decimal>() < 0.7m));
        Assert.Equal(19.6m, await FrozenAsync(seller, "131000-PM"));
        Assert.Equal(0.4m, (await HoldingAsync(seller))["available"]!.Value<decimal>());

        // Confirm some (the buyer), cancel some (the seller), let the rest expire.
        using var buyerClient = second.Client(await api.IssueKeyAsync("enterprise", buyer));
        var longLived = open.Where(p => DateTimeOffset.Parse(p["expiresAt"]!.Value<string>()!) > DateTimeOffset.UtcNow.AddMinutes(1)).ToList();
        var shortLived = open.Except(longLived).ToList();
        var confirmed = longLived.Take(longLived.Count / 2).ToList();
        var cancelled = longLived.Skip(longLived.Count / 2).ToList();
        foreach (var p in confirmed)
        {
            var settled = (await buyerClient.PostJsonAsync($"/api/trade-proposals/{p["id"]}/confirm", "{}")).Expect(200).Body;
            Assert.Equal("settled", settled["status"]!.Value<string>());
            Assert.Equal(0.7m, settled["trade"]!["quantity"]!.Value<decimal>());
        }
        foreach (var p in cancelled)
            Assert.Equal("cancelled", (await one.PostJsonAsync($"/api/trade-proposals/{p["id"]}/cancel", "{}")).Expect(200).Body["status"]!.Value<string>());
        Assert.NotEmpty(shortLived);
        while (DateTimeOffset.UtcNow < expiry.AddMilliseconds(500)) await Task.Delay(250);
        using var host = api.Server.Client();
        var run = (await host.PostJsonAsync("/admin/functions/ExpireProposals", Timer)).Expect(202).Body;
        Assert.Contains("Ended", run["logs"]![0]!.Value<string>());
        foreach (var p in shortLived)
            Assert.Equal("expired", (await one.GetJsonAsync($"/api/trade-proposals/{p["id"]}")).Expect(200).Body["status"]!.Value<string>());
        // The timer is idempotent.
        Assert.Equal("No offer had expired.", (await host.PostJsonAsync("/admin/functions/ExpireProposals", Timer)).Expect(202).Body["logs"]![0]!.Value<string>());

        Assert.Equal(0m, await FrozenAsync(seller, "131000-PM"));
        var rows = await api.MarketRowsAsync("131000-PM");
        var held = rows.Where(r => r.RowKey.StartsWith("holding:", StringComparison.Ordinal)).Sum(r => r.GetInt64("HeldGrams")!.Value);
        Assert.Equal(rows.Where(r => r.RowKey.StartsWith("alloc:", StringComparison.Ordinal)).Sum(r => r.GetInt64("Grams")!.Value), held);
        Assert.Equal(confirmed.Count * 700_000L, rows.Single(r => r.RowKey == $"holding:{buyer}").GetInt64("HeldGrams"));
        Assert.Equal(confirmed.Count, rows.Count(r => r.RowKey.StartsWith("trade:", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_proposal_is_seen_by_its_parties_and_officials_in_scope_and_listed_newest_first()
    {
        var seller = (await api.RegisterEnterpriseAsync("131000")).Value;
        var buyer = (await api.RegisterEnterpriseAsync("131000")).Value;
        await api.AllocateAsync(seller, 10m, "131000", "COD");
        using var sellerClient = api.Server.Client(await api.IssueKeyAsync("enterprise", seller));
        using var buyerClient = api.Server.Client(await api.IssueKeyAsync("enterprise", buyer));
        using var stranger = api.Server.Client(await api.IssueKeyAsync("enterprise", (await api.RegisterEnterpriseAsync("131000")).Value));
        using var langfang = api.Server.Client(await api.IssueKeyAsync("official", "1310"));
        using var shijiazhuang = api.Server.Client(await api.IssueKeyAsync("official", "1301"));

        var first = (await buyerClient.PostJsonAsync("/api/trade-proposals", ApiFixture.Proposal(seller, buyer, 1m, 1000m, 1, "131000", "COD"), ApiFixture.Key("a"))).Expect(201);
        Assert.Equal($"/api/trade-proposals/{first.Body["id"]}", first.Header("Location"));
        Assert.Equal(buyer, first.Body["proposedBy"]!.Value<string>());
        Assert.Equal(seller, first.Body["counterparty"]!.Value<string>());
        Assert.Equal(1000m, first.Body["amount"]!.Value<decimal>());
        var second = (await sellerClient.PostJsonAsync("/api/trade-proposals", ApiFixture.Proposal(seller, buyer, 2m, 1000m, 1, "131000", "COD"), ApiFixture.Key("b"))).Expect(201).Body;
        // A replay answers the same body and says so.
        var replay = (await buyerClient.PostJsonAsync("/api/trade-proposals", ApiFixture.Proposal(seller, buyer, 1m, 1000m, 1, "131000", "COD"), ApiFixture.Key("a"))).Expect(201);
        Assert.Equal(first.Text, replay.Text);
        Assert.Equal("true", replay.Header("Idempotent-Replayed"));
        (await buyerClient.PostJsonAsync("/api/trade-proposals", ApiFixture.Proposal(seller, buyer, 3m, 1000m, 1, "131000", "COD"), ApiFixture.Key("a"))).Expect(422);
        (await buyerClient.PostJsonAsync("/api/trade-proposals", ApiFixture.Proposal(seller, buyer, 3m, 1000m, 1, "131000", "COD"))).Expect(400);
        var withTradedAt = """{"region":"131000","pollutant":"COD","seller":"S","buyer":"B","quantity":1,"unitPrice":1,"termYears":1,"method":"Agreement","tradedAt":"2024-01-01T00:00:00+08:00"}""";
        (await buyerClient.PostJsonAsync("/api/trade-proposals", withTradedAt.Replace("\"S\"", $"\"{seller}\"").Replace("\"B\"", $"\"{buyer}\""), ApiFixture.Key("c"))).Expect(400);

        foreach (var c in new[] { sellerClient, buyerClient, langfang })
            (await c.GetJsonAsync($"/api/trade-proposals/{first.Body["id"]}")).Expect(200);
        (await stranger.GetJsonAsync($"/api/trade-proposals/{first.Body["id"]}")).Expect(404);
        (await shijiazhuang.GetJsonAsync($"/api/trade-proposals/{first.Body["id"]}")).Expect(404);
        (await stranger.PostJsonAsync($"/api/trade-proposals/{first.Body["id"]}/confirm", "{}")).Expect(404);
        (await buyerClient.PostJsonAsync($"/api/trade-proposals/{first.Body["id"]}/confirm", "{}")).Expect(403);

        var mine = (await buyerClient.GetJsonAsync("/api/trade-proposals?status=proposed")).Expect(200).Body;
        Assert.Equal([second["id"]!.Value<string>(), first.Body["id"]!.Value<string>()], mine["items"]!.Select(i => i["id"]!.Value<string>()));
        Assert.Empty((JArray)(await stranger.GetJsonAsync("/api/trade-proposals")).Expect(200).Body["items"]!);
        (await sellerClient.PostJsonAsync($"/api/trade-proposals/{first.Body["id"]}/reject", "{}")).Expect(200);
        var page = (await langfang.GetJsonAsync($"/api/trade-proposals?status=proposed&party={buyer}&pageSize=1")).Expect(200).Body;
        Assert.Equal(second["id"]!.Value<string>(), Assert.Single((JArray)page["items"]!)["id"]!.Value<string>());
        Assert.Empty((JArray)(await shijiazhuang.GetJsonAsync("/api/trade-proposals")).Expect(200).Body["items"]!);
        // A state change the proposal no longer allows: 409 with its state.
        var conflict = (await buyerClient.PostJsonAsync($"/api/trade-proposals/{first.Body["id"]}/cancel", "{}")).Expect(409).Body;
        Assert.Equal("rejected", conflict["state"]!.Value<string>());
        Assert.Equal(409, conflict["status"]!.Value<int>());
    }

    [Fact]
    public async Task Pledge_requests_are_listed_to_their_parties_and_officials_only()
    {
        var holder = (await api.RegisterEnterpriseAsync("131000")).Value;
        await api.AllocateAsync(holder, 10m, "131000", "TN");
        using var bank = api.Server.Client(await api.IssueKeyAsync("bank", "BOC-LF"));
        using var otherBank = api.Server.Client(await api.IssueKeyAsync("bank", "CCB-LF"));
        using var holderClient = api.Server.Client(await api.IssueKeyAsync("enterprise", holder));
        var body = new { bankId = "BOC-LF", holder, region = "131000", pollutant = "TN", quantity = 4m, loanAmount = 50_000m };
        (await otherBank.PostJsonAsync("/api/pledges", body, ApiFixture.Key("x"))).Expect(403);
        var asked = (await bank.PostJsonAsync("/api/pledges", body, ApiFixture.Key("p1"))).Expect(201).Body;
        var offered = (await holderClient.PostJsonAsync("/api/pledges", body, ApiFixture.Key("p2"))).Expect(201).Body;
        Assert.Equal("bank", asked["requestedBy"]!.Value<string>());
        Assert.Equal("holder", offered["requestedBy"]!.Value<string>());
        (await holderClient.PostJsonAsync($"/api/pledges/{asked["id"]}/accept", "{}")).Expect(200);
        (await bank.PostJsonAsync($"/api/pledges/{offered["id"]}/accept", "{}")).Expect(200);
        Assert.Equal(8m, (await HoldingAsync(holder, "TN"))["pledged"]!.Value<decimal>());

        Assert.Equal(2, ((JArray)(await bank.GetJsonAsync("/api/pledges?status=active")).Expect(200).Body["items"]!).Count);
        Assert.Empty((JArray)(await otherBank.GetJsonAsync("/api/pledges")).Expect(200).Body["items"]!);
        (await otherBank.GetJsonAsync($"/api/pledges/{asked["id"]}")).Expect(404);
        (await otherBank.GetJsonAsync("/api/pledges?bankId=BOC-LF")).Expect(403);
        Assert.Equal(2, ((JArray)(await holderClient.GetJsonAsync("/api/pledges")).Expect(200).Body["items"]!).Count);
        Assert.Empty((JArray)(await bank.GetJsonAsync("/api/pledges?status=requested")).Expect(200).Body["items"]!);
    }

    private async Task<JObject> HoldingAsync(string holder, string pollutant = "PM") =>
        (JObject)(await api.Admin.GetJsonAsync($"/api/enterprises/{holder}/holdings")).Expect(200).Array.Single(h => h["pollutant"]!.Value<string>() == pollutant);

    private async Task<decimal> FrozenAsync(string holder, string market)
    {
        var rows = await api.MarketRowsAsync(market);
        return rows.Single(r => r.RowKey == $"holding:{holder}").GetInt64("FrozenGrams")!.Value / 1_000_000m;
    }
}

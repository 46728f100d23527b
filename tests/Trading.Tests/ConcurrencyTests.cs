using Azure.Data.Tables;
using Trading.Core.Ledger;
using Trading.Tests.Support;

namespace Trading.Tests;

public sealed class ConcurrencyTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task Fifty_concurrent_sales_sent_to_two_instances_never_oversell_and_conserve_rights()
    {
        await using var second = await api.StartServerAsync();
        using var secondAdmin = second.Client(ApiFixture.AdminKey);
        const string region = "131000";
        const string pollutant = "NOx";
        var seller = await api.RegisterEnterpriseAsync(region);
        var buyers = new List<string>();
        for (var i = 0; i < 5; i++) buyers.Add((await api.RegisterEnterpriseAsync(region)).Value);
        await api.AllocateAsync(seller.Value, 30m, region, pollutant);
        await api.AllocateAsync(buyers[0], 2.5m, region, pollutant);
        await api.AllocateAsync("reserve", 7m, region, pollutant);

        // 50 sales of 1 t from a seller holding 30 t: exactly 30 can succeed, whoever wins the races.
        var replies = await Task.WhenAll(Enumerable.Range(0, 50).Select(i =>
        {
            var client = i % 2 == 0 ? api.Admin : secondAdmin;
            var tradedAt = $"2024-05-{1 + i % 28:D2}T{i % 24:D2}:15:00+08:00";
            return client.PostJsonAsync("/api/trades",
                ApiFixture.Trade(seller.Value, buyers[i % buyers.Count], 1m, 500m + i, 1 + i % 5, region, pollutant, tradedAt),
                ApiFixture.Key($"sale-{i}"));
        }));

        Assert.All(replies, r => Assert.True(r.Status is 201 or 409, r.ToString()));
        var accepted = replies.Where(r => r.Status == 201).ToList();
        Assert.Equal(30, accepted.Count);
        Assert.All(replies.Where(r => r.Status == 409), r => Assert.Equal(0m, r.Body["available"]!.Value<decimal>()));

        var rows = await api.MarketRowsAsync($"{region}-{pollutant}");
        var holdings = rows.Where(r => r.RowKey.StartsWith("holding:", StringComparison.Ordinal)).ToList();
        var allocations = rows.Where(r => r.RowKey.StartsWith("alloc:", StringComparison.Ordinal)).ToList();
        var trades = rows.Where(r => r.RowKey.StartsWith("trade:", StringComparison.Ordinal)).OrderBy(r => r.RowKey, StringComparer.Ordinal).ToList();

        // No holding below zero; the seller is at exactly zero.
        Assert.All(holdings, h => Assert.True(h.GetInt64("HeldGrams") >= 0, h.RowKey));
        Assert.Equal(0, holdings.Single(h => h.RowKey == $"holding:{seller}").GetInt64("HeldGrams"));
        // Conservation: Σ holdings = Σ allocations = the head's allocated total.
        var held = holdings.Sum(h => h.GetInt64("HeldGrams")!.Value);
        Assert.Equal(allocations.Sum(a => a.GetInt64("Grams")!.Value), held);
        Assert.Equal(39_500_000, held);
        var head = rows.Single(r => r.RowKey == "head");
        Assert.Equal(held, head.GetInt64("AllocatedGrams"));
        // Trades recorded = 201 answers, numbered 1..30 without gaps, each chained to the one before.
        Assert.Equal(accepted.Count, trades.Count);
        Assert.Equal(accepted.Select(r => r.Body["id"]!.Value<string>()).Order(), trades.Select(t => t.GetString("Region") + "-" + t.GetString("Pollutant") + "-" + t.GetInt64("Sequence")).Order());
        Assert.Equal(Enumerable.Range(1, 30).Select(i => (long)i), trades.Select(t => t.GetInt64("Sequence")!.Value));
        AssertChain(trades);
        Assert.Equal(30, head.GetInt64("Sequence"));
        // The month counter equals the totals recomputed from the trades.
        var month = rows.Single(r => r.RowKey == "month:2024-05");
        Assert.Equal(trades.Count, month.GetInt64("Trades"));
        Assert.Equal(trades.Sum(t => t.GetInt64("Grams")!.Value), month.GetInt64("Grams"));
        Assert.Equal(trades.Sum(t => t.GetInt64("AmountFen")!.Value), month.GetInt64("Fen"));
        Assert.Equal(accepted.Sum(r => (long)(r.Body["amount"]!.Value<decimal>() * 100)), month.GetInt64("Fen"));
    }

    private static void AssertChain(List<TableEntity> trades)
    {
        var previous = Trade.GenesisHash;
        foreach (var row in trades)
        {
            Assert.Equal(previous, row.GetString("PreviousHash"));
            var trade = ReadTrade(row);
            Assert.True(trade.HashIsValid(), row.RowKey);
            previous = trade.Hash;
        }
    }

    private static Trade ReadTrade(TableEntity row) => Trading.Infra.LedgerRows.ToTrade(row);

    [Fact]
    public async Task Concurrent_allocations_from_two_instances_all_count()
    {
        await using var second = await api.StartServerAsync();
        using var secondAdmin = second.Client(ApiFixture.AdminKey);
        var holder = await api.RegisterEnterpriseAsync("131000");
        var replies = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            (i % 2 == 0 ? api.Admin : secondAdmin).PostJsonAsync("/api/allocations",
                new { holder = holder.Value, region = "131000", pollutant = "VOCs", quantity = 0.5m, reference = $"permit {i}" }, ApiFixture.Key($"permit-{i}"))));
        Assert.All(replies, r => r.Expect(201));
        Assert.Equal(20, replies.Select(r => r.Body["id"]!.Value<string>()).Distinct().Count());
        var rows = await api.MarketRowsAsync("131000-VOCs");
        Assert.Equal(10_000_000, rows.Single(r => r.RowKey == $"holding:{holder}").GetInt64("HeldGrams"));
        Assert.Equal(10_000_000, rows.Single(r => r.RowKey == "head").GetInt64("AllocatedGrams"));
    }
}

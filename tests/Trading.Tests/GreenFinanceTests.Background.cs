using System.Globalization;
using Trading.Functions;
using Trading.Tests.Support;

namespace Trading.Tests;

/// <summary>A product PUT whose refresh does not fit the request's budget (no time, or one step): the answer does not wait.</summary>
public sealed partial class GreenFinanceTests
{
    private const string NoRequestBudget = "--Trading:RequestRefreshBudget=00:00:00";

    [Fact]
    public async Task A_product_PUT_over_its_request_budget_answers_at_once_and_the_background_refreshes_its_list()
    {
        await using var server = await api.StartServerAsync(null, NoRequestBudget);
        using var bank = server.Client(await api.IssueKeyAsync("bank", "BG-LF"));
        var worker = server.Services.GetRequiredService<ProductRefreshWorker>();
        var firms = new List<string> { await FirmAsync("A", "132801"), await FirmAsync("B", "132801"), await FirmAsync("C", "132802"), await FirmAsync("A", "132901") };
        const string product = "/api/banks/BG-LF/products/wide";

        (await bank.PutJsonAsync(product, Product("B", ["1328"]))).Expect(201);
        var first = await EventuallyAsync(bank, product, firms);
        Assert.Equal(new[] { firms[0], firms[1] }.Order(), first.Select(f => f.Item1));
        Assert.True(worker.Refreshed >= 1, "the list was refreshed by the background worker, not by the request");
        var asOf = DateTimeOffset.Parse((await bank.GetJsonAsync($"{product}/eligible")).Expect(200).Body["asOf"]!.Value<string>()!, CultureInfo.InvariantCulture);

        // An edit widening it: C firms now count too.
        (await bank.PutJsonAsync(product, Product("C", ["1328"]))).Expect(200);
        var second = await EventuallyAsync(bank, product, firms);
        Assert.Equal(3, second.Count);
        Assert.True(worker.Refreshed >= 2);
        var later = DateTimeOffset.Parse((await bank.GetJsonAsync($"{product}/eligible")).Expect(200).Body["asOf"]!.Value<string>()!, CultureInfo.InvariantCulture);
        Assert.True(later > asOf, $"asOf {later:O} after the background refresh, {asOf:O} before");
    }

    [Fact]
    public async Task With_background_refreshes_off_a_product_PUT_over_its_budget_leaves_its_list_to_the_next_RefreshMatches_run()
    {
        // One step: the page of firms is read, the writes (a step and one per transaction) are refused.
        await using var server = await api.StartServerAsync(null, "--Trading:RequestRefreshSteps=1", "--Trading:BackgroundRefresh=false");
        using var bank = server.Client(await api.IssueKeyAsync("bank", "BGOFF-LF"));
        var firms = new List<string> { await FirmAsync("A", "133001"), await FirmAsync("B", "133001"), await FirmAsync("C", "133002") };
        const string product = "/api/banks/BGOFF-LF/products/wide";

        (await bank.PutJsonAsync(product, Product("B", ["1330"]))).Expect(201);
        Assert.Empty(await StoredAsync(bank, product, firms)); // nothing written on the request path, none in the background
        await RunRefreshMatchesAsync(server);
        var stored = await StoredAsync(bank, product, firms);
        Assert.Equal(2, stored.Count);
        Assert.Equal(await EvaluatedAsync(bank, product, firms), stored);
        var asOf = (await bank.GetJsonAsync($"{product}/eligible")).Expect(200).Body["asOf"]!.Value<string>();

        // An edit: the list and its as-of stay as they were until the run.
        (await bank.PutJsonAsync(product, Product("C", ["1330"]))).Expect(200);
        Assert.Equal(stored, await StoredAsync(bank, product, firms));
        Assert.Equal(asOf, (await bank.GetJsonAsync($"{product}/eligible")).Expect(200).Body["asOf"]!.Value<string>());
        await RunRefreshMatchesAsync(server);
        Assert.Equal(3, (await StoredAsync(bank, product, firms)).Count);
        Assert.Equal(await EvaluatedAsync(bank, product, firms), await StoredAsync(bank, product, firms));
        Assert.NotEqual(asOf, (await bank.GetJsonAsync($"{product}/eligible")).Expect(200).Body["asOf"]!.Value<string>());
        Assert.Equal(0, server.Services.GetRequiredService<ProductRefreshWorker>().Refreshed);
    }

    /// <summary>The stored list once it equals a fresh evaluation (polled for up to 30 s).</summary>
    private static async Task<List<(string, decimal)>> EventuallyAsync(HttpClient bank, string product, IReadOnlyCollection<string> firms)
    {
        var wanted = await EvaluatedAsync(bank, product, firms);
        var deadline = DateTimeOffset.UtcNow.AddSeconds(30);
        List<(string, decimal)> stored;
        while ((stored = await StoredAsync(bank, product, firms)).SequenceEqual(wanted) is false && DateTimeOffset.UtcNow < deadline) await Task.Delay(100);
        Assert.Equal(wanted, stored);
        return stored;
    }
}

using Azure.Data.Tables;
using Newtonsoft.Json.Linq;
using Trading.Core.Primitives;
using Trading.Infra;

namespace Trading.Tests.Support;

/// <summary>
/// A running server on the shared Azurite with tables of its own (a fresh prefix per fixture), an admin client, and
/// helpers to set up enterprises, allocations and trades through the API itself.
/// </summary>
public class ApiFixture : IAsyncLifetime
{
    public const string AdminKey = "test-admin-key";

    public Azurite Azurite { get; private set; } = null!;
    public TestServer Server { get; private set; } = null!;
    public HttpClient Admin { get; private set; } = null!;
    public string Prefix { get; } = "t" + Guid.NewGuid().ToString("N")[..10];
    public StorageContext Storage { get; private set; } = null!;

    public virtual async Task InitializeAsync()
    {
        Azurite = await Azurite.Shared;
        Server = await StartServerAsync();
        Admin = Server.Client(AdminKey);
        Storage = new StorageContext(new StorageOptions { ConnectionString = Azurite.ConnectionString, Prefix = Prefix });
        await Storage.EnsureCreatedAsync();
    }

    /// <summary>Another server instance on the same storage and tables (as a second Azure Functions instance would be).</summary>
    public Task<TestServer> StartServerAsync(Action<WebApplicationBuilder>? configure = null, params string[] extraArgs) =>
        TestServer.StartAsync(Azurite.ConnectionString, Prefix, AdminKey, configure, extraArgs);

    public virtual async Task DisposeAsync()
    {
        Admin.Dispose();
        await Server.DisposeAsync();
    }

    private static int s_counter;

    /// <summary>A fresh valid credit code registered in <paramref name="region"/>'s authority.</summary>
    public static CreditCode NewCreditCode(string region = "131000")
    {
        var n = Interlocked.Increment(ref s_counter);
        var random = Guid.NewGuid().ToByteArray();
        var body = "91" + region + string.Concat(random.Take(5).Select(b => CreditCode.Alphabet[b % 31])) + (n % 10000).ToString("D4");
        return CreditCode.FromBody(body);
    }

    public async Task<CreditCode> RegisterEnterpriseAsync(string region = "131024", string grade = "B", string? code = null)
    {
        var cc = code is null ? NewCreditCode(region) : CreditCode.Parse(code);
        (await Admin.PutJsonAsync($"/api/enterprises/{cc}", new
        {
            name = "测试企业 " + cc.Value[^6..],
            region,
            industry = "IndustrialCoating",
            grade,
            gradeValidUntil = "2027-12-31",
            positiveList = true,
            creditRating = "Blue",
        })).Expect(201);
        return cc;
    }

    public async Task<JObject> AllocateAsync(string holder, decimal quantity, string region = "131000", string pollutant = "SO2") =>
        (await Admin.PostJsonAsync("/api/allocations", new { holder, region, pollutant, quantity, reference = "permit test" },
            Key("alloc-" + Guid.NewGuid().ToString("N")))).Expect(201).Body;

    /// <summary>
    /// Two trades of 1 t at <paramref name="unitPrice"/> by a second seller (a fresh grade-D firm outside Langfang, and a
    /// fresh buyer), so that with the first seller's sale the market has a price: at least 3 in-band trades by 2 sellers.
    /// At the same unit price they leave the price as it was.
    /// </summary>
    public async Task SecondSellerAsync(string region, string pollutant, decimal unitPrice, int termYears, string tradedAt)
    {
        var seller = (await RegisterEnterpriseAsync("130100", "D")).Value;
        var buyer = (await RegisterEnterpriseAsync("130100", "D")).Value;
        await AllocateAsync(seller, 2m, region, pollutant);
        for (var i = 0; i < 2; i++)
            (await Admin.PostJsonAsync("/api/trades", Trade(seller, buyer, 1m, unitPrice, termYears, region, pollutant, tradedAt),
                Key("second-seller-" + Guid.NewGuid().ToString("N")))).Expect(201);
    }

    public async Task<string> IssueKeyAsync(string role, string subject) =>
        (await Admin.PostJsonAsync("/api/keys", new { role, subject })).Expect(201).Body["key"]!.Value<string>()!;

    public static Dictionary<string, string> Key(string idempotencyKey) => new() { ["Idempotency-Key"] = idempotencyKey };

    public static object Trade(string seller, string buyer, decimal quantity, decimal unitPrice = 6000m, int termYears = 5,
        string region = "131000", string pollutant = "SO2", string tradedAt = "2024-06-30T23:30:00+08:00", string method = "Agreement") =>
        new { region, pollutant, seller, buyer, quantity, unitPrice, termYears, method, tradedAt, reference = "contract test" };

    /// <summary>A trade proposal's body: a trade's terms without tradedAt.</summary>
    public static object Proposal(string seller, string buyer, decimal quantity, decimal unitPrice = 6000m, int termYears = 5,
        string region = "131000", string pollutant = "SO2", string? expiresAt = null) =>
        expiresAt is null
            ? new { region, pollutant, seller, buyer, quantity, unitPrice, termYears, method = "Agreement", reference = "proposal test" }
            : new { region, pollutant, seller, buyer, quantity, unitPrice, termYears, method = "Agreement", reference = "proposal test", expiresAt };

    /// <summary>Every row of every table of this fixture, as text: equal snapshots mean storage did not change.</summary>
    /// <summary>
    /// Every row of every table, once the background work of earlier requests has settled (a commit's copy into the
    /// region rollups and its match marks' touch run after its answer): two reads a moment apart agree.
    /// </summary>
    public async Task<string> SnapshotAsync()
    {
        var last = await ReadAllAsync();
        for (var i = 0; i < 50; i++)
        {
            await Task.Delay(100);
            var next = await ReadAllAsync();
            if (next == last) return next;
            last = next;
        }
        return last;
    }

    private async Task<string> ReadAllAsync()
    {
        var lines = new List<string>();
        foreach (var table in Storage.AllTables)
        {
            await foreach (var e in table.QueryAsync<TableEntity>())
            {
                var props = e.Where(p => p.Key is not ("odata.etag" or "Timestamp")).OrderBy(p => p.Key, StringComparer.Ordinal)
                    .Select(p => $"{p.Key}={p.Value}");
                lines.Add($"{table.Name}|{e.PartitionKey}|{e.RowKey}|{string.Join(";", props)}");
            }
        }
        lines.Sort(StringComparer.Ordinal);
        return string.Join("\n", lines);
    }

    /// <summary>All ledger rows of one market.</summary>
    public async Task<List<TableEntity>> MarketRowsAsync(string marketKey)
    {
        var rows = new List<TableEntity>();
        await foreach (var e in Storage.Ledger.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {marketKey}")))
            rows.Add(e);
        return rows;
    }
}

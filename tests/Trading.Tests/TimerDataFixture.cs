using System.Globalization;
using Trading.Core.Primitives;
using Trading.Infra;
using Trading.Tests.Support;

namespace Trading.Tests;

/// <summary>
/// One data set that gives every timer real work, built once through the API and then copied, row for row, to a fresh
/// storage prefix for each run of a timer (<see cref="CopyAsync"/>), so that every run starts from identical data. The
/// timers then run on servers whose clock is <see cref="Shift"/> ahead: what was set to expire or close a minute after
/// the set-up is due for them, what was set a week ahead is not.
/// <list type="bullet">
/// <item>Five markets in two provinces, each with allocations to two firms and trades in the three months before this
/// one and in this one (CloseMonth); one market's trades were recorded by a server whose rollup copies failed, so their
/// pending marks are left for the sweep (CopyRollups).</item>
/// <item>In every market, a proposal, a listing and a pledge request that expire a minute after the set-up, and a
/// proposal that does not (ExpireProposals).</item>
/// <item>Two due auctions with four bids each and one not yet due (CloseAuctions).</item>
/// <item>Two banks with three recorded loans each, the second's not counted yet (CountLoans).</item>
/// <item>A loan product refreshed once (RefreshMatches' last run), then edited, and two graded firms registered after it
/// (dirty marks for the incremental RefreshMatches).</item>
/// <item>The audit records and events of all of it, pending (CopyAudit, CopyEvents).</item>
/// </list>
/// </summary>
public sealed class TimerDataFixture : ApiFixture
{
    public static readonly TimeSpan Shift = TimeSpan.FromHours(2);

    public static readonly (string Region, string Pollutant)[] Markets =
        [("131000", "SO2"), ("131000", "NOx"), ("131024", "SO2"), ("130102", "COD"), ("140105", "SO2")];

    /// <summary>The markets with a due auction (four bids each), and the one whose auction is not due.</summary>
    public static readonly (string Region, string Pollutant)[] AuctionMarkets = [("131000", "SO2"), ("130102", "COD")];

    public static readonly (string Region, string Pollutant) LaterAuctionMarket = ("131024", "SO2");

    public const string Bank1 = "TMRA-LF";
    public const string Bank2 = "TMRB-LF";

    public List<string> Firms { get; } = [];

    /// <summary>The trades recorded: market key, China month, grams, fen (quantity × unit price × term).</summary>
    public List<(string Market, string Month, long Grams, long Fen)> Trades { get; } = [];

    /// <summary>The loans recorded: bank, borrower, month, fen.</summary>
    public List<(string Bank, string Borrower, string Month, long Fen)> Loans { get; } = [];

    /// <summary>How many offers (proposals, listings, pledge requests) were set to expire a minute after the set-up.</summary>
    public int ExpiringOffers { get; private set; }

    /// <summary>When the set-up was over: every time written later is a time of a run.</summary>
    public DateTimeOffset Ready { get; private set; }

    /// <summary>The data every run starts from, as read after the set-up settled.</summary>
    public StorageState Start { get; private set; } = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        var now = DateTimeOffset.UtcNow;
        string At(DateTimeOffset t) => t.ToString("yyyy-MM-dd'T'HH:mm:ssK", CultureInfo.InvariantCulture);
        var expiring = At(now.AddSeconds(75));
        var thisMonth = ReportingMonth.Of(now);

        for (var i = 0; i < 6; i++) Firms.Add((await RegisterEnterpriseAsync("131024", i % 2 == 0 ? "A" : "B")).Value);
        var keys = new Dictionary<string, string>();
        foreach (var firm in Firms) keys[firm] = await IssueKeyAsync("enterprise", firm);
        var bank1 = Server.Client(await IssueKeyAsync("bank", Bank1));
        var bank2Key = await IssueKeyAsync("bank", Bank2);

        // A loan product, refreshed once by RefreshMatches (its last run), then edited, with two firms registered after it.
        object Product(string name) => new
        {
            name, minGrade = "B", allowUngraded = false, minCreditRating = "Blue", requirePositiveList = false, industries = Array.Empty<string>(),
            regions = new[] { "13" }, minAmount = 100_000m, maxAmount = 20_000_000m, annualRatePct = 3.45m, termMonths = 36,
        };
        (await bank1.PutJsonAsync($"/api/banks/{Bank1}/products/green", Product("绿色贷"))).Expect(201);
        using (var host = Server.Client()) (await host.PostJsonAsync("/admin/functions/RefreshMatches", """{"input":""}""")).Expect(202);
        (await bank1.PutJsonAsync($"/api/banks/{Bank1}/products/green", Product("绿色贷（新）"))).Expect(200);
        for (var i = 0; i < 2; i++) await RegisterEnterpriseAsync("131000", "A");

        // Allocations, trades over four months (the last three ended), and the offers that expire.
        foreach (var (region, pollutant) in Markets)
        {
            await AllocateAsync(Firms[0], 100m, region, pollutant);
            await AllocateAsync(Firms[1], 100m, region, pollutant);
        }
        // One market's trades go through a server whose rollup copies fail (their pending marks stay for CopyRollups), and
        // the second bank's loans through it too, where counting them after their commit fails (CountLoans counts them).
        var rollupPrefix = Prefix.ToLowerInvariant() + "rollups(";
        var figuresPrefix = Prefix.ToLowerInvariant() + "loanfigures";
        await using var noRollups = await StartServerAsync(b => b.Services.AddSingleton(new StorageOptions
        {
            ConnectionString = Azurite.ConnectionString,
            Prefix = Prefix,
            Handler = new StorageFaults
            {
                FailWhen = r => r.RequestUri!.AbsolutePath.Contains(figuresPrefix, StringComparison.Ordinal)
                                || (r.RequestUri.AbsolutePath.Contains(rollupPrefix, StringComparison.Ordinal)
                                    && !Uri.UnescapeDataString(r.RequestUri.AbsolutePath).Contains("PartitionKey='meta'", StringComparison.Ordinal)),
            },
        }));
        using var noRollupsAdmin = noRollups.Client(AdminKey);
        var bank2 = noRollups.Client(bank2Key);
        var n = 0;
        foreach (var (region, pollutant) in Markets)
            for (var back = 3; back >= 0; back--)
            {
                var month = thisMonth.AddMonths(-back);
                var tradedAt = back == 0 ? now.AddMinutes(-5) : month.Start.AddDays(3 + back).AddHours(10);
                var quantity = 1m + (n % 3);
                var unitPrice = 1000m + 10m * (n % 4);
                var termYears = 1 + n % 3;
                var client = region == "140105" ? noRollupsAdmin : Admin;
                (await client.PostJsonAsync("/api/trades", Trade(Firms[n % 2], Firms[2 + n % 3], quantity, unitPrice, termYears, region, pollutant, At(tradedAt)),
                    Key($"timer-trade-{n}"))).Expect(201);
                Trades.Add(($"{region}-{pollutant}", ReportingMonth.Of(tradedAt).ToString(), (long)(quantity * 1_000_000m), (long)(quantity * unitPrice * termYears * 100m)));
                n++;
            }

        foreach (var (region, pollutant) in Markets)
        {
            using (var seller = Server.Client(keys[Firms[0]]))
            {
                (await seller.PostJsonAsync("/api/trade-proposals", Proposal(Firms[0], Firms[3], 2m, 1000m, 1, region, pollutant, expiring), Key($"expiring-proposal-{region}-{pollutant}"))).Expect(201);
                (await seller.PostJsonAsync("/api/trade-proposals", Proposal(Firms[0], Firms[4], 1m, 1000m, 1, region, pollutant, At(now.AddDays(7))), Key($"later-proposal-{region}-{pollutant}"))).Expect(201);
            }
            using (var seller = Server.Client(keys[Firms[1]]))
                (await seller.PostJsonAsync("/api/listings", new { region, pollutant, seller = Firms[1], quantity = 3m, unitPrice = 1000m, termYears = 1, minLot = 1m, expiresAt = expiring },
                    Key($"expiring-listing-{region}-{pollutant}"))).Expect(201);
            (await bank2.PostJsonAsync("/api/pledges", new { bankId = Bank2, holder = Firms[1], region, pollutant, quantity = 4m, loanAmount = 10_000m, expiresAt = expiring },
                Key($"expiring-pledge-{region}-{pollutant}"))).Expect(201);
            ExpiringOffers += 3;
        }

        // Auctions: two due a minute after the set-up with four bids each, one due in a week.
        foreach (var (region, pollutant) in AuctionMarkets.Append(LaterAuctionMarket))
        {
            var later = (region, pollutant) == LaterAuctionMarket;
            (await Admin.PostJsonAsync("/api/allocations", new { holder = "reserve", region, pollutant, quantity = 10m, reference = "reserve" }, Key($"reserve-{region}-{pollutant}"))).Expect(201);
            var auction = (await Admin.PostJsonAsync("/api/auctions", new
            {
                region, pollutant, quantity = 3.5m, termYears = 5, startPrice = 1000m, increment = 10m, minLot = 0.5m,
                opensAt = At(now.AddMinutes(-1)), closesAt = later ? At(now.AddDays(7)) : expiring,
            }, Key($"auction-{region}-{pollutant}"))).Expect(201).Body;
            for (var b = 0; b < 4; b++)
            {
                using var bidder = Server.Client(keys[Firms[2 + b]]);
                (await bidder.PostJsonAsync($"/api/auctions/{auction["id"]}/bids", new { quantity = 1m, unitPrice = 1000m + 10m * b }, Key($"bid-{auction["id"]}"))).Expect(201);
            }
        }

        // Loans of two banks, in three months.
        foreach (var (bank, client) in new[] { (Bank1, bank1), (Bank2, bank2) })
            for (var i = 0; i < 3; i++)
            {
                var grantedAt = now.AddDays(-40 * i).AddMinutes(-1);
                var amount = 100_000m * (i + 1);
                (await client.PostJsonAsync("/api/loans", new
                {
                    bankId = bank, borrower = Firms[i], amount, annualRatePct = 3.2m, termMonths = 24, grantedAt = At(grantedAt), reference = "timer test",
                }, Key($"loan-{i}"))).Expect(201);
                Loans.Add((bank, Firms[i], ReportingMonth.Of(grantedAt).ToString(), (long)(amount * 100m)));
            }
        bank1.Dispose();
        bank2.Dispose();

        // Settled (the background copies of the last commits are done), then kept as the start of every run.
        var unsettled = await StorageState.ReadAsync(Storage, Prefix, drainQueue: false);
        await StorageState.SettledAsync(Storage, Prefix, new StorageState.Normalizer(unsettled, DateTimeOffset.MaxValue));
        Start = await StorageState.ReadAsync(Storage, Prefix, drainQueue: false);
        Ready = DateTimeOffset.UtcNow;
    }

    /// <summary>A fresh prefix holding a copy of the data set.</summary>
    public async Task<(string Prefix, StorageContext Storage)> CopyAsync()
    {
        var prefix = "t" + Guid.NewGuid().ToString("N")[..10];
        var storage = new StorageContext(new StorageOptions { ConnectionString = Azurite.ConnectionString, Prefix = prefix });
        await StorageState.CopyAsync(Storage, storage);
        return (prefix, storage);
    }
}

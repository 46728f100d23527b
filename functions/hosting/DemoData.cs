using System.Globalization;
using Trading.Core.Access;
using Trading.Core.Enterprises;
using Trading.Core.Finance;
using Trading.Core.Ledger;
using Trading.Core.Ledger.UseCases;
using Trading.Core.Primitives;
using Trading.Infra;

namespace Trading.Functions.Hosting;

/// <summary>
/// The demo data set that <c>./run.sh</c> loads into empty storage: Langfang (1310) and Shijiazhuang (1301) firms,
/// allocations, and trades from 2023 to 2025, made so that Langfang's first half of 2024 shows exactly
/// 118 trades and 3,608,200.00 CNY against 43 trades and 1,985,800.00 CNY a year before (+75, +81.7 %).
/// Deterministic: the same plan every time. It goes through the ledger like any other caller.
/// </summary>
public static class DemoData
{
    /// <summary>Published demo keys (only ever registered by the demo loader).</summary>
    public static readonly IReadOnlyDictionary<string, string> Keys = new Dictionary<string, string>
    {
        ["demo-official-1310"] = "official 1310 (Langfang)",
        ["demo-official-13"] = "official 13 (Hebei)",
        ["demo-enterprise"] = "enterprise: the first Langfang firm",
        ["demo-bank"] = "bank ICBC-LF (its products: pledge-so2-nox, green-tech)",
        [DemoAlerts.Seed000Key] = "enterprise: the seed-000 coating firm of Xianghe under Langfang's orange alert",
    };

    /// <summary>Demo green-loan products of three banks; one is a pledge product.</summary>
    public static IReadOnlyList<(string Bank, string Id, LoanProductInput Input)> Products { get; } =
    [
        ("ICBC-LF", "pledge-so2-nox", new LoanProductInput
        {
            Name = "排污权质押贷", MinGrade = "B", AllowUngraded = false, MinCreditRating = "Blue", RequirePositiveList = false,
            Industries = [], Regions = ["1310"], MinAmount = 100_000m, MaxAmount = 20_000_000m, AnnualRatePct = 3.45m, TermMonths = 36,
            Pledge = new LoanProductInput.PledgeInput { Pollutants = ["SO2", "NOx"], LoanToValue = 0.7m },
        }),
        ("ICBC-LF", "green-tech", new LoanProductInput
        {
            Name = "绿色技改贷", MinGrade = "A", AllowUngraded = false, MinCreditRating = "Green", RequirePositiveList = false,
            Industries = ["IndustrialCoating", "Furniture", "PackagingAndPrinting"], Regions = ["13"], MinAmount = 1_000_000m, MaxAmount = 10_000_000m,
            AnnualRatePct = 3.2m, TermMonths = 24,
        }),
        ("BOC-LF", "positive-list", new LoanProductInput
        {
            Name = "正面清单企业信用贷", MinGrade = "BMinus", AllowUngraded = true, MinCreditRating = "Yellow", RequirePositiveList = true,
            Industries = [], Regions = ["1310"], MinAmount = 500_000m, MaxAmount = 5_000_000m, AnnualRatePct = 3.85m, TermMonths = 12,
        }),
        ("CCB-HB", "leading-firms", new LoanProductInput
        {
            Name = "环保绩效A级企业贷", MinGrade = "A", AllowUngraded = false, MinCreditRating = "Blue", RequirePositiveList = false,
            Industries = [], Regions = ["13"], MinAmount = 2_000_000m, MaxAmount = 15_000_000m, AnnualRatePct = 3.1m, TermMonths = 36,
        }),
    ];

    public sealed record Firm(CreditCode Code, string Name, RegionCode Region, Industry Industry, PerformanceGrade Grade, CreditRating Rating, bool PositiveList);

    public sealed record Plan(IReadOnlyList<Firm> Firms, IReadOnlyList<AllocationRequest> Allocations, IReadOnlyList<TradeRequest> Trades);

    /// <summary>A group of trades whose count and total are fixed exactly.</summary>
    private sealed record Target(string Prefix, ReportingMonth From, ReportingMonth To, int Trades, long TotalFen);

    private static readonly (string Region, string Name)[] s_langfang =
    [
        ("131000", "廊坊市"), ("131002", "安次区"), ("131003", "广阳区"), ("131022", "固安县"), ("131023", "永清县"),
        ("131024", "香河县"), ("131025", "大城县"), ("131026", "文安县"), ("131028", "大厂回族自治县"), ("131081", "霸州市"), ("131082", "三河市"),
    ];

    private static readonly (string Region, string Name)[] s_shijiazhuang = [("130100", "石家庄市"), ("130102", "长安区"), ("130104", "桥西区")];

    private static readonly (Industry Industry, string Word)[] s_industries =
    [
        (Industry.IndustrialCoating, "涂装"), (Industry.Cement, "水泥"), (Industry.Glass, "玻璃"), (Industry.Furniture, "家具"),
        (Industry.PackagingAndPrinting, "包装印刷"), (Industry.Foundry, "铸造"), (Industry.SteelShortProcess, "钢铁"),
        (Industry.Pharmaceuticals, "制药"), (Industry.WoodBasedPanels, "人造板"), (Industry.Other, "机械"),
    ];

    private static readonly string[] s_words = ["华北", "金泰", "宏达", "瑞丰", "鑫源", "恒通", "永盛", "正阳", "新兴", "博远", "天润", "中冀"];

    private static readonly (string Region, Pollutant Pollutant, int MinPrice, int MaxPrice)[] s_langfangMarkets =
    [
        ("131000", Pollutant.SO2, 2000, 6000), ("131000", Pollutant.NOx, 2500, 6500), ("131000", Pollutant.COD, 300, 900),
        ("131000", Pollutant.NH3N, 1500, 4000), ("131024", Pollutant.VOCs, 3000, 8000), ("131081", Pollutant.PM, 1000, 3000),
    ];

    private static readonly (string Region, Pollutant Pollutant, int MinPrice, int MaxPrice)[] s_shijiazhuangMarkets =
    [
        ("130100", Pollutant.SO2, 1800, 5000), ("130100", Pollutant.NOx, 2000, 5500),
    ];

    private static readonly Target[] s_targets =
    [
        new("1310", new(2023, 1), new(2023, 6), 43, 198_580_000),
        new("1310", new(2023, 7), new(2023, 12), 61, 265_314_000),
        new("1310", new(2024, 1), new(2024, 6), 118, 360_820_000),
        new("1310", new(2024, 7), new(2024, 12), 97, 311_275_000),
        new("1310", new(2025, 1), new(2025, 6), 102, 334_918_000),
        new("1310", new(2025, 7), new(2025, 10), 64, 219_402_000),
        new("1301", new(2024, 1), new(2024, 12), 40, 120_500_000),
        new("1301", new(2025, 1), new(2025, 6), 25, 80_200_000),
    ];

    public static Plan Build()
    {
        var random = new Random(20240630);
        var firms = new List<Firm>();
        var n = 0;
        foreach (var (regions, count) in new[] { (s_langfang, 30), (s_shijiazhuang, 10) })
        {
            for (var i = 0; i < count; i++)
            {
                var (region, place) = regions[i % regions.Length];
                var (industry, word) = s_industries[i % s_industries.Length];
                var body = "91" + region + string.Concat(Enumerable.Range(0, 5).Select(_ => CreditCode.Alphabet[random.Next(31)])) + (++n).ToString("D4", CultureInfo.InvariantCulture);
                var grade = (i % 10) switch
                {
                    0 => PerformanceGrade.A, 1 => PerformanceGrade.Leading, 2 or 3 or 4 => PerformanceGrade.B, 5 => PerformanceGrade.BMinus,
                    6 or 7 => PerformanceGrade.C, 8 => PerformanceGrade.D, _ => PerformanceGrade.Ungraded,
                };
                var rating = (i % 7) switch { 0 or 1 or 2 => CreditRating.Green, 3 or 4 => CreditRating.Blue, 5 => CreditRating.Yellow, _ => CreditRating.Red };
                firms.Add(new Firm(CreditCode.FromBody(body), $"{place}{s_words[i % s_words.Length]}{word}有限公司", RegionCode.Parse(region),
                    industry, grade, rating, i % 3 == 0));
            }
        }

        var allocations = new List<AllocationRequest>();
        var trades = new List<TradeRequest>();
        var sequence = 0;
        foreach (var target in s_targets)
        {
            var markets = target.Prefix == "1310" ? s_langfangMarkets : s_shijiazhuangMarkets;
            var local = firms.Where(f => f.Region.Value.StartsWith(target.Prefix, StringComparison.Ordinal)).ToList();
            trades.AddRange(Group(target, markets, local, random, ref sequence));
        }
        foreach (var market in s_langfangMarkets.Concat(s_shijiazhuangMarkets))
        {
            var id = new MarketId(RegionCode.Parse(market.Region), market.Pollutant);
            var local = firms.Where(f => f.Region.Value[..4] == market.Region[..4]).ToList();
            // Every seller holds enough for all its sales; the reserve holds a stock for ReserveSale.
            var sold = trades.Where(t => t.Market == id).GroupBy(t => t.Seller).ToDictionary(g => g.Key, g => g.Sum(t => t.Quantity.Grams));
            allocations.Add(new AllocationRequest(id, Holder.Reserve, Quantity.FromGrams(2_000_000_000 + sold.GetValueOrDefault(Holder.Reserve)), "政府储备 初始分配"));
            foreach (var firm in local.Take(8))
            {
                var holder = Holder.Of(firm.Code);
                allocations.Add(new AllocationRequest(id, holder, Quantity.FromGrams(50_000_000 + sold.GetValueOrDefault(holder)),
                    $"排污许可证 {firm.Region}{firm.Code.Value[^6..]}"));
            }
        }
        return new Plan(firms, allocations, trades.OrderBy(t => t.TradedAt).ToList());
    }

    private static IEnumerable<TradeRequest> Group(Target target, (string Region, Pollutant Pollutant, int MinPrice, int MaxPrice)[] markets,
        List<Firm> firms, Random random, ref int sequence)
    {
        var sellers = firms.Take(8).ToList();
        var months = new List<ReportingMonth>();
        for (var m = target.From; m <= target.To; m = m.Next()) months.Add(m);
        var average = target.TotalFen / target.Trades;
        var result = new List<TradeRequest>();
        long sum = 0;
        for (var i = 0; i < target.Trades; i++)
        {
            var (region, pollutant, minPrice, maxPrice) = markets[random.Next(markets.Length)];
            var market = new MarketId(RegionCode.Parse(region), pollutant);
            var month = months[random.Next(months.Count)];
            var days = DateTime.DaysInMonth(month.Year, month.Month);
            var tradedAt = new DateTimeOffset(month.Year, month.Month, 1 + random.Next(days), 9 + random.Next(9), random.Next(60), 0, ReportingMonth.ChinaOffset);
            if (i == 0 && target.To == new ReportingMonth(2024, 6)) tradedAt = new DateTimeOffset(2024, 6, 30, 23, 30, 0, ReportingMonth.ChinaOffset);
            var reserveSale = random.Next(5) == 0;
            var seller = reserveSale ? Holder.Reserve : Holder.Of(sellers[random.Next(sellers.Count)].Code);
            Holder buyer;
            do buyer = Holder.Of(firms[random.Next(firms.Count)].Code); while (buyer == seller);
            var years = 1 + random.Next(5);
            Money price;
            Quantity quantity;
            if (i < target.Trades - 1)
            {
                price = Money.FromFen(100L * (minPrice + random.Next(maxPrice - minPrice + 1)));
                // Aim a little under the average so that the last trade takes a positive remainder.
                var aim = average * (70 + random.Next(55)) / 100;
                var grams = Math.Max(1_000, aim * 1_000_000 / (price.Fen * years) / 1_000 * 1_000);
                quantity = Quantity.FromGrams(grams);
            }
            else
            {
                // The last trade of the group brings the total to the exact target: 1 t for 1 year at the remaining amount.
                var remainder = target.TotalFen - sum;
                if (remainder <= 0) throw new InvalidOperationException($"demo group {target.From}..{target.To} overshot its total");
                years = 1;
                quantity = Quantity.FromGrams(Quantity.GramsPerTonne);
                price = Money.FromFen(remainder);
            }
            var amount = Amounts.TradeAmount(quantity, price, years);
            sum += amount.Fen;
            sequence++;
            result.Add(new TradeRequest(market, seller, buyer, quantity, price, years, reserveSale ? TradeMethod.ReserveSale : (i % 3 == 0 ? TradeMethod.Listing : TradeMethod.Agreement),
                tradedAt, amount, $"demo contract {tradedAt.Year}-{sequence:D4}"));
        }
        if (sum != target.TotalFen) throw new InvalidOperationException("demo group total is off");
        return result;
    }

    /// <summary>
    /// A living market in Langfang: three open listings priced near the reference price, one reserve auction open for a
    /// week with two bids, and one reserve auction closed and settled (its window ends a few seconds after it is created).
    /// </summary>
    private static async Task SeedMarketAsync(IServiceProvider services, MarketWriter writer, Plan plan, DateTimeOffset now, CancellationToken ct)
    {
        var so2 = new MarketId(RegionCode.Parse("131000"), Pollutant.SO2);
        var nox = new MarketId(RegionCode.Parse("131000"), Pollutant.NOx);
        static Quantity T(decimal tonnes) => Quantity.FromGrams((long)(tonnes * Quantity.GramsPerTonne));
        static Money Y(decimal yuan) => Money.FromFen((long)(yuan * 100));
        Principal Firm(int i) => Principal.Enterprise(plan.Firms[i].Code);
        Holder Holds(int i) => Holder.Of(plan.Firms[i].Code);

        foreach (var market in new[] { so2, nox })
            await writer.ExecuteAsync(new Allocate(new AllocationRequest(market, Holder.Reserve, T(20m), "demo reserve for auctions")), Principal.Admin,
                "demo-reserve-" + market, _ => "{}", null, ct);
        var listings = new[] { (4, so2, 5m, 5_100m, 1m), (5, nox, 4m, 5_900m, 0.5m), (6, so2, 3m, 5_300m, 1m) };
        foreach (var (firm, market, tonnes, price, lot) in listings)
            await writer.ExecuteAsync(new Core.Market.UseCases.PostListing(new Core.Market.ListingRequest(market, Holds(firm), T(tonnes), Y(price), 3, T(lot), null)),
                Firm(firm), $"demo-listing-{firm}", _ => "{}", null, ct);

        var open = new Core.Market.AuctionRequest(so2, T(6m), 5, Y(5_000m), Y(100m), T(0.5m), now, now.AddDays(7));
        var openAuction = (await writer.ExecuteAsync(new Core.Market.UseCases.CreateAuction(open), Principal.Admin, "demo-auction-open", _ => "{}", null, ct)).Answer!;
        foreach (var (firm, tonnes, price) in new[] { (0, 2m, 5_200m), (8, 3m, 5_100m) })
            await writer.ExecuteAsync(new Core.Market.UseCases.PlaceBid(so2, openAuction.Number, Holds(firm), T(tonnes), Y(price)), Firm(firm), "demo-bid", _ => "{}", null, ct);

        // Ningxia 2025's quantity and term (NOx 4.048 t/a for 5 years) at Langfang's prices; a window of a few seconds from now.
        var time = services.GetRequiredService<TimeProvider>();
        var start = time.GetUtcNow();
        var closesAt = start.AddSeconds(3);
        var done = new Core.Market.AuctionRequest(nox, T(4.048m), 5, Y(5_600m), Y(100m), T(0.5m), start.AddSeconds(-1), closesAt);
        var closedAuction = (await writer.ExecuteAsync(new Core.Market.UseCases.CreateAuction(done), Principal.Admin, "demo-auction-closed", _ => "{}", null, ct)).Answer!;
        foreach (var (firm, tonnes, price) in new[] { (9, 2m, 6_000m), (10, 1.5m, 5_800m), (11, 1.5m, 5_600m) })
            await writer.ExecuteAsync(new Core.Market.UseCases.PlaceBid(nox, closedAuction.Number, Holds(firm), T(tonnes), Y(price)), Firm(firm), "demo-bid", _ => "{}", null, ct);
        var wait = closesAt - time.GetUtcNow();
        if (wait > TimeSpan.Zero) await Task.Delay(wait + TimeSpan.FromMilliseconds(100), time, ct);
        await services.GetRequiredService<AuctionCloser>().CloseDueAsync(nox, ct);
    }

    /// <summary>
    /// Green loans the banks recorded (as after 政银企 matchmaking events): Langfang's first half of 2024 shows exactly 21 firms
    /// and 335,000,000.00 CNY in 24 loans; the first half of 2023, 12 firms and 180,000,000.00 CNY in 14 loans. And one
    /// application waiting for the demo bank: a pledge application from the demo enterprise (if eligible), naming the rights it offers.
    /// </summary>
    private static async Task SeedLoansAsync(IServiceProvider services, Plan plan, CancellationToken ct)
    {
        var writer = services.GetRequiredService<BankWriter>();
        var langfang = plan.Firms.Where(f => f.Region.Value.StartsWith("1310", StringComparison.Ordinal)).ToList();
        string[] banks = ["ICBC-LF", "BOC-LF", "CCB-HB"];
        foreach (var (year, loans, firms, totalYuan, baseYuan, stepYuan, cycle) in new[] { (2024, 24, 21, 335_000_000m, 5_000_000m, 2_500_000m, 7), (2023, 14, 12, 180_000_000m, 4_000_000m, 3_000_000m, 5) })
        {
            var amounts = Enumerable.Range(0, loans - 1).Select(i => baseYuan + stepYuan * (i % cycle)).ToList();
            amounts.Add(totalYuan - amounts.Sum());
            for (var i = 0; i < loans; i++)
            {
                var firm = langfang[i % firms];
                var bank = BankId.TryParse(banks[i % banks.Length], out var b, out _) ? b : throw new InvalidOperationException();
                var grantedAt = new DateTimeOffset(year, 1 + i % 6, 3 + i % 25, 10, 0, 0, ReportingMonth.ChinaOffset);
                var terms = new Core.Loans.LoanTerms(Money.FromFen((long)(amounts[i] * 100)), 3.45m, 36, grantedAt);
                await writer.ExecuteAsync(new Core.Loans.UseCases.RecordLoan(bank, firm.Code, firm.Region, null, terms, $"政银企对接 {year} #{i + 1}"),
                    Principal.Bank(bank), $"demo-loan-{year}-{i}", _ => "{}", null, ct);
            }
        }

        var products = services.GetRequiredService<ProductStore>();
        var matcher = services.GetRequiredService<MatchRefresher>();
        var ledger = services.GetRequiredService<TableLedger>();
        var steps = services.GetRequiredService<LoanSteps>();
        var icbc = BankId.TryParse("ICBC-LF", out var id, out _) ? id : throw new InvalidOperationException();
        var today = DateOnly.FromDateTime(services.GetRequiredService<TimeProvider>().GetUtcNow().ToOffset(ReportingMonth.ChinaOffset).DateTime);
        // The demo enterprise first: its application for the pledge product names the rights it offers (a fifth more
        // than 100,000.00 CNY needs), frozen until the bank decides; the bank lends at most that and takes at most those.
        var pledgeProduct = (await products.GetAsync(icbc, "pledge-so2-nox", ct))!;
        foreach (var f in langfang)
        {
            var enterprise = await services.GetRequiredService<IEnterpriseStore>().GetAsync(f.Code, ct);
            var eligibility = await matcher.ExplainAsync(pledgeProduct, enterprise!, ct);
            if (!eligibility.Eligible || eligibility.Limit is not { } limit) continue;
            var amount = Money.FromFen(Math.Min(limit.Fen, Math.Max(pledgeProduct.MinAmount.Fen, 10_000_000)));
            foreach (var h in await ledger.HoldingsOfAsync(Holder.Of(f.Code), ct))
            {
                if (!pledgeProduct.Pledge!.Pollutants.Contains(h.Market.Pollutant)) continue;
                if (!(await ledger.PricesAsync([h.Market], today, ct)).TryGetValue(h.Market, out var price)) continue;
                var needed = Core.Finance.PledgeSizing.Needed(amount, price, pledgeProduct);
                var offered = Quantity.FromGrams(Math.Min(h.Holding.Available.Grams, (needed.Grams * 6 / 5 + 999) / 1000 * 1000));
                if (offered < needed) continue;
                var outcome = await writer.ExecuteAsync(new Core.Loans.UseCases.SubmitApplication(pledgeProduct, f.Code, amount, "技改与排污权质押 demo", eligibility,
                    new Core.Loans.OfferedRights(h.Market, offered, price, h.Holding.Available)), Principal.Enterprise(f.Code), "demo-application", _ => "{}", null, ct);
                if (Core.Loans.LoanApplication.TryParseId(outcome.ResourceId, out var bank, out var number)) await steps.SettleAsync(bank, number, ct);
                return;
            }
        }
        var product = (await products.GetAsync(icbc, "green-tech", ct))!;
        foreach (var f in langfang)
        {
            var enterprise = await services.GetRequiredService<IEnterpriseStore>().GetAsync(f.Code, ct);
            var eligibility = await matcher.ExplainAsync(product, enterprise!, ct);
            if (!eligibility.Eligible || eligibility.Limit is not { } limit) continue;
            var amount = Money.FromFen(Math.Min(limit.Fen, Math.Max(product.MinAmount.Fen, 100_000_000)));
            await writer.ExecuteAsync(new Core.Loans.UseCases.SubmitApplication(product, f.Code, amount, "技改 demo", eligibility),
                Principal.Enterprise(f.Code), "demo-application", _ => "{}", null, ct);
            return;
        }
    }

    /// <summary>Loads the plan when storage holds no market yet; returns false when it was not empty.</summary>
    public static async Task<bool> SeedIfEmptyAsync(IServiceProvider services, ILogger logger, CancellationToken ct)
    {
        var storage = services.GetRequiredService<StorageContext>();
        await storage.EnsureCreatedAsync(ct);
        await services.GetRequiredService<RegionRollups>().StartAsync(ct);
        var ledger = services.GetRequiredService<TableLedger>();
        if ((await ledger.MarketsAsync(RegionPrefix.All, ct)).Count > 0) return false;

        var plan = Build();
        var enterprises = services.GetRequiredService<IEnterpriseStore>();
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        foreach (var f in plan.Firms)
            await enterprises.PutAsync(new Enterprise(f.Code, f.Name, f.Region, f.Industry, f.Grade,
                f.Grade == PerformanceGrade.Ungraded ? null : new DateOnly(2027, 12, 31), f.PositiveList, f.Rating, now), Principal.Admin, _ => "{}", null, ct);
        var writer = services.GetRequiredService<MarketWriter>();
        var n = 0;
        foreach (var a in plan.Allocations) await writer.ExecuteAsync(new Allocate(a), Principal.Admin, $"demo-allocation-{++n}", _ => "{}", null, ct);
        n = 0;
        foreach (var t in plan.Trades) await writer.ExecuteAsync(new RecordTrade(t), Principal.Admin, $"demo-{++n}", _ => "{}", null, ct);
        // A few recent reserve sales, dated from today, so that the pledge product can price SO2 and NOx rights
        // (a market's price is that of its last 12 months). They fall outside the fixed 2023–2025 figures.
        var recent = 0;
        foreach (var (pollutant, days, tonnes, price) in new[] { (Pollutant.SO2, 20, 12.5m, 5200m), (Pollutant.NOx, 45, 8m, 5800m), (Pollutant.SO2, 75, 6.25m, 4900m), (Pollutant.NOx, 100, 15m, 6100m) })
        {
            var buyer = Holder.Of(plan.Firms[4 + recent].Code);
            var tradedAt = new DateTimeOffset(now.ToOffset(ReportingMonth.ChinaOffset).Date, ReportingMonth.ChinaOffset).AddDays(-days).AddHours(10);
            var quantity = Quantity.TryFromTonnes(tonnes, out var q, out _) ? q : throw new InvalidOperationException();
            var unit = Money.TryFromYuan(price, false, out var m, out _) ? m : throw new InvalidOperationException();
            var request = new TradeRequest(new MarketId(RegionCode.Parse("131000"), pollutant), Holder.Reserve, buyer, quantity, unit, 3,
                TradeMethod.ReserveSale, tradedAt, Amounts.TradeAmount(quantity, unit, 3), $"demo recent reserve sale {++recent}");
            await writer.ExecuteAsync(new RecordTrade(request), Principal.Admin, $"demo-recent-{recent}", _ => "{}", null, ct);
        }
        // And recent sales between firms (a price needs at least 3 in-band trades by 2 different sellers; the reserve is one).
        foreach (var (pollutant, days, seller, price) in new[] { (Pollutant.SO2, 10, 4, 5100m), (Pollutant.NOx, 30, 5, 5900m), (Pollutant.NOx, 15, 5, 6000m) })
        {
            var tradedAt = new DateTimeOffset(now.ToOffset(ReportingMonth.ChinaOffset).Date, ReportingMonth.ChinaOffset).AddDays(-days).AddHours(11);
            var quantity = Quantity.FromGrams(500_000);
            var unit = Money.TryFromYuan(price, false, out var m, out _) ? m : throw new InvalidOperationException();
            var request = new TradeRequest(new MarketId(RegionCode.Parse("131000"), pollutant), Holder.Of(plan.Firms[seller].Code), Holder.Of(plan.Firms[2].Code),
                quantity, unit, 3, TradeMethod.Agreement, tradedAt, Amounts.TradeAmount(quantity, unit, 3), $"demo recent agreement {++recent}");
            await writer.ExecuteAsync(new RecordTrade(request), Principal.Admin, $"demo-recent-{recent}", _ => "{}", null, ct);
        }
        // A proposal waiting for the demo enterprise (the seller) to confirm: a buyer asks for part of its rights.
        var held = plan.Allocations.First(a => a.Holder == Holder.Of(plan.Firms[0].Code));
        var proposalQuantity = Quantity.FromGrams(held.Quantity.Grams / 10);
        var proposalPrice = Money.FromFen(520_000);
        var proposal = new ProposalRequest(held.Market, held.Holder, Holder.Of(plan.Firms[1].Code), proposalQuantity, proposalPrice, 3,
            TradeMethod.Agreement, Amounts.TradeAmount(proposalQuantity, proposalPrice, 3), "demo agreement awaiting confirmation",
            Holder.Of(plan.Firms[1].Code), null);
        await writer.ExecuteAsync(new ProposeTrade(proposal), Principal.Enterprise(plan.Firms[1].Code), "demo-proposal-1", _ => "{}", null, ct);
        await SeedMarketAsync(services, writer, plan, now, ct);
        var products = services.GetRequiredService<ProductStore>();
        foreach (var (bank, id, input) in Products)
            await products.PutAsync(input.Validate(BankId.TryParse(bank, out var b, out _) ? b : throw new InvalidOperationException(bank), id, now), Principal.Admin,
                _ => "{}", null, ct);

        await SeedLoansAsync(services, plan, ct);
        await DemoAlerts.SeedAsync(services, now, ct);
        // The banks' eligible lists and the firms' eligible products are there at once, not at the first hourly refresh.
        await services.GetRequiredService<MatchRefresher>().RefreshAllAsync(ct);

        var keys = services.GetRequiredService<ApiKeyStore>();
        await keys.RegisterAsync("demo-official-1310", Principal.Official(RegionPrefix.Parse("1310")), "demo", ct);
        await keys.RegisterAsync("demo-official-13", Principal.Official(RegionPrefix.Parse("13")), "demo", ct);
        await keys.RegisterAsync("demo-enterprise", Principal.Enterprise(plan.Firms[0].Code), "demo", ct);
        await keys.RegisterAsync("demo-bank", Principal.Bank(BankId.TryParse("ICBC-LF", out var icbc, out _) ? icbc : default), "demo", ct);
        logger.LogInformation("Demo data loaded: {Firms} enterprises, {Allocations} allocations, {Trades} trades; demo keys: {Keys}",
            plan.Firms.Count, plan.Allocations.Count, plan.Trades.Count, string.Join(", ", Keys.Keys));
        return true;
    }
}

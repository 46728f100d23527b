using System.Diagnostics;
using Trading.Core.Access;
using Trading.Core.Enterprises;
using Trading.Core.Finance;
using Trading.Core.Ledger;
using Trading.Core.Primitives;

namespace Trading.Bench;

/// <summary>
/// A full refresh of loan matches in core: N enterprises × M products, with the product index (what RefreshMatches
/// runs) and with the naive loop over every pair. Both call the same <see cref="Eligibility.Evaluate"/>; the bench checks
/// that they find the same pairs.
/// </summary>
public static class MatchingBench
{
    public static int Run(string[] args)
    {
        var firmsCount = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 100_000;
        var productsCount = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 1_000;
        var naiveFirms = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : firmsCount;
        var (products, firms, holdings, prices) = Generate(firmsCount, productsCount);
        var today = new DateOnly(2026, 11, 22);
        IReadOnlyList<MarketHolding> HoldingsOf(Enterprise f) => holdings[f.CreditCode.Value];
        Console.WriteLine($"{firms.Count:N0} enterprises × {products.Count:N0} products = {(long)firms.Count * products.Count:N0} pairs; {Environment.ProcessorCount} cores");

        var runs = new List<double>();
        List<Match> indexed = [];
        for (var i = 0; i < 3; i++)
        {
            var sw = Stopwatch.StartNew();
            indexed = Matching.Refresh(new ProductIndex(products), firms, HoldingsOf, prices, today);
            runs.Add(sw.Elapsed.TotalSeconds);
        }
        runs.Sort();
        Console.WriteLine($"indexed: {runs[1]:0.00} s median of 3 (min {runs[0]:0.00}), {indexed.Count:N0} eligible pairs");

        var naiveSet = firms.Take(naiveFirms).ToList();
        var watch = Stopwatch.StartNew();
        var naive = Matching.RefreshNaive(products, naiveSet, HoldingsOf, prices, today);
        var naiveSeconds = watch.Elapsed.TotalSeconds;
        Console.WriteLine($"naive:   {naiveSeconds:0.00} s for {naiveSet.Count:N0} enterprises, {naive.Count:N0} eligible pairs");
        var check = naiveSet.Count == firms.Count ? indexed : Matching.Refresh(new ProductIndex(products), naiveSet, HoldingsOf, prices, today);
        var same = check.Count == naive.Count &&
                   check.Select(m => (m.Product.Key, m.Firm.CreditCode.Value, m.Limit.Fen)).Order().SequenceEqual(naive.Select(m => (m.Product.Key, m.Firm.CreditCode.Value, m.Limit.Fen)).Order());
        Console.WriteLine($"same pairs and limits: {same}");
        Console.WriteLine();
        Console.WriteLine("| enterprises × products | indexed (median of 3) | naive pair loop | naive / indexed | eligible pairs |");
        Console.WriteLine("|---|---|---|---|---|");
        var scale = (double)firms.Count / naiveSet.Count;
        var naiveFull = naiveSeconds * scale;
        Console.WriteLine($"| {firms.Count:N0} × {products.Count:N0} | {runs[1]:0.00} s | {naiveFull:0.0} s{(scale > 1 ? $" (measured on {naiveSet.Count:N0}, × {scale:0})" : "")} | {naiveFull / runs[1]:0}× | {indexed.Count:N0} |");
        return same ? 0 : 1;
    }

    private static (List<LoanProduct>, List<Enterprise>, Dictionary<string, IReadOnlyList<MarketHolding>>, Dictionary<MarketId, MarketPrice>) Generate(int firmsCount, int productsCount)
    {
        var random = new Random(2026);
        // 31 provinces × 10 cities × 5 counties.
        var provinces = Enumerable.Range(0, 31).Select(i => (11 + i * 2).ToString("D2", System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        string City(string p, int c) => p + (c + 1).ToString("D2", System.Globalization.CultureInfo.InvariantCulture);
        string County(string city, int k) => city + (k + 1).ToString("D2", System.Globalization.CultureInfo.InvariantCulture);
        var industries = Enum.GetValues<Industry>();
        var grades = new[] { PerformanceGrade.APlus, PerformanceGrade.A, PerformanceGrade.Leading, PerformanceGrade.B, PerformanceGrade.B, PerformanceGrade.BMinus, PerformanceGrade.C, PerformanceGrade.C, PerformanceGrade.D, PerformanceGrade.Ungraded };
        BankId.TryParse("BENCH", out var bank, out _);
        var products = new List<LoanProduct>();
        for (var i = 0; i < productsCount; i++)
        {
            var p = provinces[random.Next(provinces.Length)];
            List<string> regions = random.Next(10) switch
            {
                < 6 => [City(p, random.Next(10))],
                < 9 => [p],
                _ => [],
            };
            products.Add(new LoanProductInput
            {
                Name = $"product {i}", MinGrade = grades[random.Next(grades.Length - 1)].ToString(), AllowUngraded = random.Next(5) == 0,
                MinCreditRating = ((CreditRating)random.Next(3)).ToString(), RequirePositiveList = random.Next(4) == 0,
                Industries = random.Next(3) == 0 ? [] : Enumerable.Range(0, 1 + random.Next(4)).Select(_ => industries[random.Next(industries.Length)].ToString()).Distinct().ToList(),
                Regions = regions, MinAmount = 100_000m, MaxAmount = 10_000_000m, AnnualRatePct = 3.5m, TermMonths = 36,
                Pledge = random.Next(5) == 0 ? new LoanProductInput.PledgeInput { Pollutants = ["SO2", "NOx"], LoanToValue = 0.7m } : null,
            }.Validate(bank, $"p{i}", DateTimeOffset.UnixEpoch));
        }
        var firms = new List<Enterprise>(firmsCount);
        var holdings = new Dictionary<string, IReadOnlyList<MarketHolding>>(firmsCount);
        var prices = new Dictionary<MarketId, MarketPrice>();
        for (var i = 0; i < firmsCount; i++)
        {
            var p = provinces[random.Next(provinces.Length)];
            var region = RegionCode.Parse(County(City(p, random.Next(10)), random.Next(5)));
            var code = CreditCode.FromBody("91" + region.Value + i.ToString("D9", System.Globalization.CultureInfo.InvariantCulture));
            firms.Add(new Enterprise(code, "f", region, industries[random.Next(industries.Length)], grades[random.Next(grades.Length)],
                new DateOnly(2026, 1, 1).AddDays(random.Next(730)), random.Next(2) == 0, (CreditRating)random.Next(5), DateTimeOffset.UnixEpoch));
            var market = new MarketId(RegionCode.Parse(region.Value[..4] + "00"), random.Next(2) == 0 ? Pollutant.SO2 : Pollutant.NOx);
            prices.TryAdd(market, new MarketPrice(400_000 + random.Next(400_000), 1_000_000));
            holdings[code.Value] = [new MarketHolding(market, new Holding(Holder.Of(code), Quantity.FromGrams(random.Next(1, 500) * 1_000_000L), Quantity.Zero, Quantity.Zero))];
        }
        return (products, firms, holdings, prices);
    }
}

using System.Numerics;
using Trading.Core.Access;
using Trading.Core.Enterprises;
using Trading.Core.Finance;
using Trading.Core.Ledger;
using Trading.Core.Primitives;

namespace Trading.Core.Tests;

public sealed class EligibilityTests
{
    private static readonly DateOnly Today = new(2025, 6, 15);
    private static readonly BankId Bank = BankId.TryParse("ICBC-LF", out var b, out _) ? b : default;
    private static readonly MarketId So2 = new(RegionCode.Parse("131000"), Pollutant.SO2);
    private static readonly MarketId Nox = new(RegionCode.Parse("131000"), Pollutant.NOx);

    private static LoanProduct Product(Action<LoanProductInput>? change = null)
    {
        var input = new LoanProductInput
        {
            Name = "绿色贷", MinGrade = "B", AllowUngraded = false, MinCreditRating = "Blue", RequirePositiveList = false,
            Industries = ["IndustrialCoating", "Furniture"], Regions = ["1310"], MinAmount = 1_000_000m, MaxAmount = 20_000_000m,
            AnnualRatePct = 3.45m, TermMonths = 36,
        };
        change?.Invoke(input);
        return input.Validate(Bank, "p1", DateTimeOffset.UnixEpoch);
    }

    private static Enterprise Firm(PerformanceGrade grade = PerformanceGrade.B, DateOnly? until = null, CreditRating rating = CreditRating.Blue,
        bool positive = true, Industry industry = Industry.IndustrialCoating, string region = "131024") =>
        new(CreditCode.FromBody("91131024MA0000001"), "甲", RegionCode.Parse(region), industry, grade, until ?? new DateOnly(2025, 12, 31), positive, rating, DateTimeOffset.UnixEpoch);

    private static EligibilityResult Eval(LoanProduct p, Enterprise e, IReadOnlyList<MarketHolding>? holdings = null, Dictionary<MarketId, MarketPrice>? prices = null) =>
        Eligibility.Evaluate(p, e, holdings ?? [], prices ?? [], Today);

    public static TheoryData<string, Func<Enterprise>, Action<LoanProductInput>?, string?> Cases => new()
    {
        { "B meets minimum B", () => Firm(), null, null },
        { "A meets minimum B", () => Firm(PerformanceGrade.A), null, null },
        { "A+ meets minimum A", () => Firm(PerformanceGrade.APlus), p => p.MinGrade = "A", null },
        { "Leading counts as A", () => Firm(PerformanceGrade.Leading), p => p.MinGrade = "A", null },
        { "A does not meet A+", () => Firm(PerformanceGrade.A), p => p.MinGrade = "APlus", "grade A is below the required A+" },
        { "Leading does not meet A+", () => Firm(PerformanceGrade.Leading), p => p.MinGrade = "APlus", "grade Leading is below the required A+" },
        { "B- is below B", () => Firm(PerformanceGrade.BMinus), null, "grade B- is below the required B" },
        { "C is below B", () => Firm(PerformanceGrade.C), null, "grade C is below the required B" },
        { "D is below C", () => Firm(PerformanceGrade.D), p => p.MinGrade = "C", "grade D is below the required C" },
        { "grade valid through today", () => Firm(until: Today), null, null },
        { "grade expired yesterday", () => Firm(until: Today.AddDays(-1)), null, "grade B expired on 2025-06-14, so the firm counts as ungraded" },
        { "ungraded refused", () => Firm(PerformanceGrade.Ungraded), null, "the firm is ungraded, which the product does not accept" },
        { "ungraded allowed", () => Firm(PerformanceGrade.Ungraded), p => p.AllowUngraded = true, null },
        { "expired grade allowed as ungraded", () => Firm(until: Today.AddDays(-1)), p => p.AllowUngraded = true, null },
        { "Green meets Blue", () => Firm(rating: CreditRating.Green), null, null },
        { "Yellow below Blue", () => Firm(rating: CreditRating.Yellow), null, "credit rating Yellow is below the required Blue" },
        { "Yellow meets Yellow", () => Firm(rating: CreditRating.Yellow), p => p.MinCreditRating = "Yellow", null },
        { "Red never", () => Firm(rating: CreditRating.Red), p => p.MinCreditRating = "Yellow", "credit rating Red: Red and Black firms get no new loans" },
        { "Black never", () => Firm(rating: CreditRating.Black), p => p.MinCreditRating = "Yellow", "credit rating Black: Red and Black firms get no new loans" },
        { "positive list required and missing", () => Firm(positive: false), p => p.RequirePositiveList = true, "not on the positive list" },
        { "positive list required and present", () => Firm(positive: true), p => p.RequirePositiveList = true, null },
        { "positive list not required", () => Firm(positive: false), null, null },
        { "industry outside the list", () => Firm(industry: Industry.Cement), null, "industry Cement is not among the product's industries (Furniture, IndustrialCoating)" },
        { "any industry", () => Firm(industry: Industry.Cement), p => p.Industries = [], null },
        { "region outside", () => Firm(region: "130100"), null, "region 130100 is outside the regions the product serves (1310)" },
        { "region by province prefix", () => Firm(region: "131024"), p => p.Regions = ["13"], null },
        { "region by county code", () => Firm(region: "131024"), p => p.Regions = ["131024"], null },
        { "neighbouring county", () => Firm(region: "131025"), p => p.Regions = ["131024"], "region 131025 is outside" },
        { "any region", () => Firm(region: "330100"), p => p.Regions = [], null },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Each_criterion_and_its_boundary(string name, Func<Enterprise> firm, Action<LoanProductInput>? product, string? reason)
    {
        var result = Eval(Product(product), firm());
        if (reason is null)
        {
            Assert.True(result.Eligible, $"{name}: {string.Join("; ", result.Reasons)}");
            Assert.Equal(20_000_000_00, result.Limit!.Value.Fen);
            Assert.Empty(result.Reasons);
        }
        else
        {
            Assert.False(result.Eligible, name);
            Assert.Null(result.Limit);
            Assert.Contains(result.Reasons, r => r.Contains(reason, StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Every_unmet_criterion_is_given_at_once()
    {
        var result = Eval(Product(p => p.RequirePositiveList = true),
            Firm(PerformanceGrade.C, rating: CreditRating.Yellow, positive: false, industry: Industry.Cement, region: "130100"));
        Assert.Equal(5, result.Reasons.Count);
    }

    private static LoanProduct Pledge(decimal ltv = 0.7m, decimal min = 1_000_000m, decimal max = 20_000_000m, int months = 36) => Product(p =>
    {
        p.Pledge = new LoanProductInput.PledgeInput { Pollutants = ["SO2", "NOx"], LoanToValue = ltv };
        p.MinAmount = min;
        p.MaxAmount = max;
        p.TermMonths = months;
    });

    private static MarketHolding Holding(MarketId m, long heldGrams, long pledged = 0) =>
        new(m, new Holding(Holder.Of(CreditCode.FromBody("91131024MA0000001")), Quantity.FromGrams(heldGrams), Quantity.FromGrams(pledged), Quantity.Zero));

    [Fact]
    public void The_pledge_limit_is_ltv_times_value_rounded_down_to_the_fen()
    {
        // SO2 price: (100 t × 5 yr at 6,000) + (1 t × 1 yr at 389.45) → Σ amount / Σ t·yr = (3,000,000 + 389.45) / 501.
        var prices = new Dictionary<MarketId, MarketPrice>
        {
            [So2] = MarketPrice.From([(50_000_000, 5, 150_000_000, new DateTimeOffset(2025, 1, 10, 10, 0, 0, TimeSpan.FromHours(8)), "A", false),
                (50_000_000, 5, 150_000_000, new DateTimeOffset(2025, 1, 11, 10, 0, 0, TimeSpan.FromHours(8)), "B", false),
                (1_000_000, 1, 38_945, new DateTimeOffset(2024, 6, 15, 0, 0, 0, TimeSpan.FromHours(8)), "A", false)], Today)!.Value,
        };
        // 321.123456 t available × (300,038,945 / 501,000,000 fen per g·yr) × 36/12 × 0.7
        var result = Eval(Pledge(min: 0m), Firm(), [Holding(So2, 400_000_000, pledged: 78_876_544)], prices);
        Assert.True(result.Eligible, string.Join("; ", result.Reasons));
        var exact = (BigInteger)321_123_456 * 300_038_945 * 36 * 7000 / ((BigInteger)501_000_000 * 12 * 10_000);
        Assert.Equal((long)exact, result.Limit!.Value.Fen);
        Assert.Equal(403_860_359, result.Limit!.Value.Fen); // 4,038,603.59 CNY
    }

    [Fact]
    public void A_trade_on_the_day_a_year_before_counts_and_one_on_the_evaluation_day_does_not()
    {
        var china = TimeSpan.FromHours(8);
        // Two trades by two sellers inside the window; the third decides whether the window makes a price (3 trades needed).
        (long, int, long, DateTimeOffset, string, bool)[] two =
            [(1, 1, 1, new DateTimeOffset(2025, 1, 1, 0, 0, 0, china), "A", false), (1, 1, 1, new DateTimeOffset(2025, 1, 2, 0, 0, 0, china), "B", false)];
        Assert.NotNull(MarketPrice.From([.. two, (1, 1, 1, new DateTimeOffset(2024, 6, 15, 0, 0, 0, china), "A", false)], Today));
        Assert.Null(MarketPrice.From([.. two, (1, 1, 1, new DateTimeOffset(2024, 6, 14, 23, 59, 59, china), "A", false)], Today));
        Assert.Null(MarketPrice.From([.. two, (1, 1, 1, new DateTimeOffset(2025, 6, 15, 0, 0, 0, china), "A", false)], Today));
        Assert.Null(MarketPrice.From([.. two, (1, 1, 1, new DateTimeOffset(2024, 6, 15, 0, 0, 0, china), "A", true)], Today));
    }

    [Fact]
    public void The_limit_is_capped_at_maxAmount_and_refused_below_minAmount()
    {
        var prices = new Dictionary<MarketId, MarketPrice> { [So2] = new(600_000, 1_000_000) }; // 6,000 CNY per t·yr
        var capped = Eval(Pledge(max: 1_000_000m), Firm(), [Holding(So2, 1_000_000_000)], prices);
        Assert.Equal(1_000_000_00, capped.Limit!.Value.Fen);
        // 10 t × 6,000 × 3 yr × 0.7 = 126,000.00 < 1,000,000.00
        var small = Eval(Pledge(), Firm(), [Holding(So2, 10_000_000)], prices);
        Assert.False(small.Eligible);
        Assert.Contains("the limit of 126,000.00 CNY is below the product's minimum of 1,000,000.00 CNY", small.Reasons);
        // exactly the minimum is enough
        var exact = Eval(Pledge(min: 126_000m), Firm(), [Holding(So2, 10_000_000)], prices);
        Assert.True(exact.Eligible);
        Assert.Equal(126_000_00, exact.Limit!.Value.Fen);
    }

    [Fact]
    public void A_market_without_trades_adds_nothing_and_says_why()
    {
        var prices = new Dictionary<MarketId, MarketPrice> { [So2] = new(600_000, 1_000_000) };
        var partly = Eval(Pledge(min: 0m), Firm(), [Holding(So2, 10_000_000), Holding(Nox, 50_000_000)], prices);
        Assert.True(partly.Eligible);
        Assert.Equal(126_000_00, partly.Limit!.Value.Fen);
        Assert.Contains("no price for 131000 NOx: a price needs at least 3 in-band trades by at least 2 different sellers in the last 12 months, so the rights cannot be valued", partly.Notes);
        var none = Eval(Pledge(min: 0m), Firm(), [Holding(Nox, 50_000_000)], prices);
        Assert.False(none.Eligible);
        Assert.Contains("no price for 131000 NOx: a price needs at least 3 in-band trades by at least 2 different sellers in the last 12 months, so the rights cannot be valued", none.Reasons);
    }

    [Fact]
    public void Pledged_rights_are_not_available_to_pledge_again()
    {
        var prices = new Dictionary<MarketId, MarketPrice> { [So2] = new(600_000, 1_000_000) };
        var result = Eval(Pledge(min: 0m), Firm(), [Holding(So2, 10_000_000, pledged: 10_000_000)], prices);
        Assert.False(result.Eligible);
        Assert.Contains("the firm holds no available SO2 or NOx rights to pledge", result.Reasons);
    }

    [Fact]
    public void Criteria_and_the_pledge_value_combine()
    {
        var prices = new Dictionary<MarketId, MarketPrice> { [So2] = new(600_000, 1_000_000) };
        var result = Eval(Pledge(), Firm(PerformanceGrade.C), [Holding(So2, 10_000_000)], prices);
        Assert.Equal(["grade C is below the required B"], result.Reasons);
    }

    [Theory]
    [InlineData("minCreditRating", "Red")]
    [InlineData("minGrade", "Ungraded")]
    [InlineData("loanToValue", "1.5")]
    [InlineData("loanToValue", "0")]
    [InlineData("minAmount", "30000000")]
    [InlineData("regions", "131")]
    [InlineData("industries", "Mining")]
    public void Invalid_products_are_refused(string field, string value)
    {
        var ex = Assert.Throws<ValidationException>(() => Product(p =>
        {
            switch (field)
            {
                case "minCreditRating": p.MinCreditRating = value; break;
                case "minGrade": p.MinGrade = value; break;
                case "loanToValue": p.Pledge = new() { Pollutants = ["SO2"], LoanToValue = decimal.Parse(value, System.Globalization.CultureInfo.InvariantCulture) }; break;
                case "minAmount": p.MinAmount = decimal.Parse(value, System.Globalization.CultureInfo.InvariantCulture); break;
                case "regions": p.Regions = [value]; break;
                case "industries": p.Industries = [value]; break;
            }
        }));
        Assert.Contains(ex.Errors.Keys, k => k.StartsWith(field, StringComparison.Ordinal) || k.StartsWith("pledge." + field, StringComparison.Ordinal));
    }

    [Fact]
    public void The_index_finds_exactly_the_pairs_that_evaluating_every_pair_finds()
    {
        var random = new Random(3);
        var grades = Enum.GetValues<PerformanceGrade>();
        var industries = Enum.GetValues<Industry>();
        string[] regions = ["130100", "130102", "131000", "131024", "131025", "330100", "330102"];
        string[] prefixes = ["13", "1310", "131024", "1301", "33", "330102"];
        var products = Enumerable.Range(0, 200).Select(i => new LoanProductInput
        {
            Name = "p", MinGrade = grades[random.Next(grades.Length - 1)].ToString(), AllowUngraded = random.Next(4) == 0,
            MinCreditRating = ((CreditRating)random.Next(3)).ToString(), RequirePositiveList = random.Next(3) == 0,
            Industries = random.Next(2) == 0 ? [] : Enumerable.Range(0, 1 + random.Next(3)).Select(_ => industries[random.Next(industries.Length)].ToString()).ToList(),
            Regions = random.Next(3) == 0 ? [] : Enumerable.Range(0, 1 + random.Next(2)).Select(_ => prefixes[random.Next(prefixes.Length)]).ToList(),
            MinAmount = 0m, MaxAmount = 1_000_000m, AnnualRatePct = 4m, TermMonths = 12,
            Pledge = random.Next(4) == 0 ? new() { Pollutants = ["SO2"], LoanToValue = 0.8m } : null,
        }.Validate(Bank, $"p{i}", DateTimeOffset.UnixEpoch)).ToList();
        var firms = Enumerable.Range(0, 400).Select(i => new Enterprise(CreditCode.FromBody($"91131000MA{i:D7}"), "f", RegionCode.Parse(regions[random.Next(regions.Length)]),
            industries[random.Next(industries.Length)], grades[random.Next(grades.Length)], Today.AddDays(random.Next(-30, 30)), random.Next(2) == 0,
            (CreditRating)random.Next(5), DateTimeOffset.UnixEpoch)).ToList();
        var prices = new Dictionary<MarketId, MarketPrice> { [So2] = new(600_000, 1_000_000) };
        IReadOnlyList<MarketHolding> HoldingsOf(Enterprise f) => [Holding(So2, 1_000_000 * (f.CreditCode.Value[^2] % 50))];

        var indexed = Matching.Refresh(new ProductIndex(products), firms, HoldingsOf, prices, Today);
        var naive = Matching.RefreshNaive(products, firms, HoldingsOf, prices, Today);
        Assert.NotEmpty(naive);
        Assert.Equal(naive.Select(m => (m.Product.Key, m.Firm.CreditCode.Value, m.Limit.Fen)).Order(),
            indexed.Select(m => (m.Product.Key, m.Firm.CreditCode.Value, m.Limit.Fen)).Order());
    }
}

using Trading.Core.Primitives;

namespace Trading.Core.Tests;

public sealed class CreditCodeTests
{
    [Theory]
    [InlineData("91330100716105852F")]
    [InlineData("91440300708461136T")]
    [InlineData("914403001922038216")]
    public void Real_company_codes_are_valid(string code)
    {
        Assert.True(CreditCode.TryParse(code, out var parsed, out var error), error);
        Assert.Equal(code, parsed.Value);
    }

    [Theory]
    [InlineData("91330100716105852E", "check character should be 'F'")]
    [InlineData("914403001922038217", "check character should be '6'")]
    [InlineData("91330100716105852", "18 characters")]
    [InlineData("91330100716105852FF", "18 characters")]
    [InlineData("", "required")]
    [InlineData("91330100716105852f", "not allowed")]
    [InlineData("9133010071610585IF", "not allowed")]
    [InlineData("9133010071610585OF", "not allowed")]
    [InlineData("9133010071610585SF", "not allowed")]
    [InlineData("9133010071610585VF", "not allowed")]
    [InlineData("9133010071610585ZF", "not allowed")]
    [InlineData("91330100 16105852F", "not allowed")]
    public void Invalid_codes_are_refused_with_a_reason(string code, string reason)
    {
        Assert.False(CreditCode.TryParse(code, out _, out var error));
        Assert.Contains(reason, error);
    }

    [Fact]
    public void Null_is_refused() => Assert.False(CreditCode.TryParse(null, out _, out _));

    [Fact]
    public void A_sum_divisible_by_31_gives_check_character_0()
    {
        // Weighted sum of "00000000000000000" is 0: 31 - 0 = 31, which maps to '0'.
        Assert.Equal("000000000000000000", CreditCode.FromBody("00000000000000000").Value);
    }

    [Fact]
    public void Every_check_character_position_round_trips()
    {
        var seen = new HashSet<char>();
        for (var i = 0; i < 31 * 31; i++)
        {
            var body = "9113100" + CreditCode.Alphabet[i % 31] + CreditCode.Alphabet[i / 31 % 31] + "00000000";
            var code = CreditCode.FromBody(body);
            Assert.True(CreditCode.TryParse(code.Value, out _));
            seen.Add(code.Value[17]);
            // Any other check character is refused.
            var wrong = CreditCode.Alphabet[(CreditCode.Alphabet.IndexOf(code.Value[17]) + 1) % 31];
            Assert.False(CreditCode.TryParse(body + wrong, out _));
        }
        Assert.Equal(31, seen.Count);
    }

    [Fact]
    public void Registration_region_is_characters_3_to_8() =>
        Assert.Equal("330100", CreditCode.Parse("91330100716105852F").RegistrationRegion);
}

public sealed class RegionTests
{
    [Theory]
    [InlineData("131000")]
    [InlineData("131024")]
    [InlineData("110101")]
    public void Six_digit_codes_are_valid(string code) => Assert.True(RegionCode.TryParse(code, out _, out _));

    [Theory]
    [InlineData("13100")]
    [InlineData("1310000")]
    [InlineData("13100A")]
    [InlineData("031000")]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("１３１０００")]
    public void Other_region_codes_are_refused(string? code) => Assert.False(RegionCode.TryParse(code, out _, out _));

    [Theory]
    [InlineData("13", true)]
    [InlineData("1310", true)]
    [InlineData("131024", true)]
    [InlineData("1", false)]
    [InlineData("131", false)]
    [InlineData("13102", false)]
    [InlineData("1310241", false)]
    [InlineData("01", false)]
    [InlineData("", false)]
    public void Prefixes_have_2_4_or_6_digits(string text, bool valid) => Assert.Equal(valid, RegionPrefix.TryParse(text, out _, out _));

    [Fact]
    public void A_region_is_within_its_prefixes()
    {
        var xianghe = RegionCode.Parse("131024");
        Assert.True(xianghe.IsWithin(RegionPrefix.Parse("13")));
        Assert.True(xianghe.IsWithin(RegionPrefix.Parse("1310")));
        Assert.True(xianghe.IsWithin(RegionPrefix.Parse("131024")));
        Assert.False(xianghe.IsWithin(RegionPrefix.Parse("1301")));
        Assert.True(RegionPrefix.Parse("13").Covers(RegionPrefix.Parse("1310")));
        Assert.False(RegionPrefix.Parse("1310").Covers(RegionPrefix.Parse("13")));
    }

    [Theory]
    [InlineData("131000-SO2", true)]
    [InlineData("131000-VOCs", true)]
    [InlineData("131000-so2", false)]
    [InlineData("131000SO2", false)]
    [InlineData("13100-SO2", false)]
    public void Market_keys_parse(string key, bool valid) => Assert.Equal(valid, MarketId.TryParse(key, out _));

    [Theory]
    [InlineData("131000-SO2-1", true)]
    [InlineData("131000-NH3N-42", true)]
    [InlineData("131000-SO2-0", false)]
    [InlineData("131000-SO2-01", false)]
    [InlineData("131000-SO2-", false)]
    [InlineData("131000-SO2-x", false)]
    [InlineData("SO2-1", false)]
    public void Trade_ids_name_market_and_sequence(string text, bool valid)
    {
        Assert.Equal(valid, TradeId.TryParse(text, out var id));
        if (valid) Assert.Equal(text, id!.Value.ToString());
    }
}

public sealed class QuantityAndMoneyTests
{
    [Theory]
    [InlineData("8.074", 8_074_000)]
    [InlineData("0.000001", 1)]
    [InlineData("96", 96_000_000)]
    [InlineData("1000000000", 1_000_000_000_000_000)]
    [InlineData("12.500000", 12_500_000)]
    public void Tonnes_become_exact_grams(string tonnes, long grams)
    {
        Assert.True(Quantity.TryFromTonnes(decimal.Parse(tonnes, System.Globalization.CultureInfo.InvariantCulture), out var q, out var error), error);
        Assert.Equal(grams, q.Grams);
    }

    [Theory]
    [InlineData("0.0000001", "6 decimals")]
    [InlineData("1.0000005", "6 decimals")]
    [InlineData("0", "greater than 0")]
    [InlineData("-1", "greater than 0")]
    [InlineData("1000000000.000001", "at most")]
    public void Quantities_beyond_1_gram_or_out_of_range_are_refused(string tonnes, string reason)
    {
        Assert.False(Quantity.TryFromTonnes(decimal.Parse(tonnes, System.Globalization.CultureInfo.InvariantCulture), out _, out var error));
        Assert.Contains(reason, error);
    }

    [Fact]
    public void Tonnes_print_without_trailing_zeros() => Assert.Equal("12.5", Quantity.FromGrams(12_500_000).Tonnes.ToString(System.Globalization.CultureInfo.InvariantCulture));

    [Fact]
    public void A_quantity_never_goes_negative()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Quantity.FromGrams(-1));
        Assert.Throws<InvalidOperationException>(() => Quantity.FromGrams(1).Subtract(Quantity.FromGrams(2)));
        Assert.Equal(0, Quantity.FromGrams(2).Subtract(Quantity.FromGrams(2)).Grams);
    }

    [Fact]
    public void Adding_past_long_overflows_loudly() =>
        Assert.Throws<OverflowException>(() => Quantity.FromGrams(long.MaxValue).Add(Quantity.FromGrams(1)));

    [Theory]
    [InlineData("6000", 600_000)]
    [InlineData("0.01", 1)]
    [InlineData("389.5", 38_950)]
    [InlineData("1000000000000", 100_000_000_000_000)]
    public void Yuan_become_exact_fen(string yuan, long fen)
    {
        Assert.True(Money.TryFromYuan(decimal.Parse(yuan, System.Globalization.CultureInfo.InvariantCulture), false, out var m, out var error), error);
        Assert.Equal(fen, m.Fen);
    }

    [Theory]
    [InlineData("0.001", false, "2 decimals")]
    [InlineData("0", false, "greater than 0")]
    [InlineData("-0.01", true, "negative")]
    [InlineData("1000000000000.01", false, "at most")]
    public void Money_beyond_the_fen_or_out_of_range_is_refused(string yuan, bool allowZero, string reason)
    {
        Assert.False(Money.TryFromYuan(decimal.Parse(yuan, System.Globalization.CultureInfo.InvariantCulture), allowZero, out _, out var error));
        Assert.Contains(reason, error);
    }

    [Fact]
    public void Zero_is_allowed_where_asked() => Assert.True(Money.TryFromYuan(0m, true, out _, out _));

    [Fact]
    public void Yuan_always_show_two_decimals()
    {
        Assert.Equal("242220.00", Money.FromFen(24_222_000).Yuan.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("0.05", Money.FromFen(5).Yuan.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("1.10", Money.FromFen(110).Yuan.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }
}

public sealed class ReportingMonthTests
{
    private static readonly TimeSpan China = TimeSpan.FromHours(8);

    [Fact]
    public void Late_evening_of_30_June_in_China_is_June_though_UTC_says_the_same_day()
    {
        var t = new DateTimeOffset(2024, 6, 30, 23, 30, 0, China);
        Assert.Equal(new ReportingMonth(2024, 6), ReportingMonth.Of(t));
        Assert.Equal(new ReportingMonth(2024, 6), ReportingMonth.Of(t.ToUniversalTime()));
    }

    [Fact]
    public void Midnight_1_July_in_China_is_July_though_UTC_is_still_30_June()
    {
        var utc = new DateTimeOffset(2024, 6, 30, 16, 0, 0, TimeSpan.Zero);
        Assert.Equal(new ReportingMonth(2024, 7), ReportingMonth.Of(utc));
        Assert.Equal(new ReportingMonth(2024, 6), ReportingMonth.Of(utc.AddTicks(-1)));
    }

    [Fact]
    public void A_time_in_another_offset_is_converted_to_China_time() =>
        Assert.Equal(new ReportingMonth(2025, 1), ReportingMonth.Of(new DateTimeOffset(2024, 12, 31, 12, 0, 0, TimeSpan.FromHours(-5))));

    [Theory]
    [InlineData(2024, 0)]
    [InlineData(2024, 13)]
    [InlineData(1999, 12)]
    [InlineData(9999, 1)]
    public void Months_and_years_out_of_range_are_refused(int year, int month) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new ReportingMonth(year, month));

    [Theory]
    [InlineData("2024-06", true)]
    [InlineData("2000-01", true)]
    [InlineData("9998-12", true)]
    [InlineData("2024-6", false)]
    [InlineData("2024-00", false)]
    [InlineData("2024-13", false)]
    [InlineData("1999-12", false)]
    [InlineData("2024/06", false)]
    [InlineData("24-06", false)]
    [InlineData("+024-06", false)]
    [InlineData("2024-06-01", false)]
    public void Months_parse_as_yyyy_MM(string text, bool valid) => Assert.Equal(valid, ReportingMonth.TryParse(text, out _, out _));

    [Fact]
    public void Months_step_across_years_and_order()
    {
        var dec = new ReportingMonth(2023, 12);
        Assert.Equal(new ReportingMonth(2024, 1), dec.Next());
        Assert.Equal(dec, dec.Next().Previous());
        Assert.Equal(new ReportingMonth(2022, 12), dec.AddYears(-1));
        Assert.True(dec < dec.Next());
        Assert.Equal(new DateTimeOffset(2024, 1, 1, 0, 0, 0, China), dec.End);
        Assert.Equal("2023-12", dec.ToString());
    }
}

public sealed class TimestampTests
{
    [Theory]
    [InlineData("2024-06-30T23:30:00+08:00")]
    [InlineData("2024-06-30T15:30:00Z")]
    [InlineData("2024-06-30T15:30Z")]
    [InlineData("2024-06-30T15:30:00.1234567-05:00")]
    public void Timestamps_with_an_offset_are_accepted(string text) => Assert.True(Timestamps.TryParse(text, out _, out _));

    [Theory]
    [InlineData("2024-06-30T23:30:00")]
    [InlineData("2024-06-30")]
    [InlineData("2024-06-30 23:30:00+08:00")]
    [InlineData("2024-02-30T00:00:00+08:00")]
    [InlineData("2024-06-30T23:30:00+0800")]
    [InlineData("")]
    public void Timestamps_without_an_offset_or_malformed_are_refused(string text) => Assert.False(Timestamps.TryParse(text, out _, out _));

    [Fact]
    public void Timestamps_are_written_in_China_time() =>
        Assert.Equal("2024-06-30T23:30:00+08:00", Timestamps.Format(new DateTimeOffset(2024, 6, 30, 15, 30, 0, TimeSpan.Zero)));
}

public sealed class GradeTests
{
    [Fact]
    public void Leading_ranks_with_A_and_A_plus_above_both()
    {
        Assert.Equal(PerformanceGrade.A.Rank(), PerformanceGrade.Leading.Rank());
        Assert.True(PerformanceGrade.APlus.Rank() < PerformanceGrade.A.Rank());
        Assert.True(PerformanceGrade.B.Rank() < PerformanceGrade.BMinus.Rank());
        Assert.True(PerformanceGrade.D.Rank() < PerformanceGrade.Ungraded.Rank());
    }

    [Fact]
    public void A_grade_expires_the_day_after_valid_until()
    {
        var until = new DateOnly(2025, 12, 31);
        Assert.Equal(PerformanceGrade.A, Ratings.InForce(PerformanceGrade.A, until, until));
        Assert.Equal(PerformanceGrade.Ungraded, Ratings.InForce(PerformanceGrade.A, until, until.AddDays(1)));
    }

    [Fact]
    public void Names_parse_exactly()
    {
        Assert.True(Ratings.TryParseGrade("BMinus", out var g));
        Assert.Equal(PerformanceGrade.BMinus, g);
        Assert.False(Ratings.TryParseGrade("b", out _));
        Assert.False(Ratings.TryParseGrade("3", out _));
        Assert.False(Ratings.TryParseRating("green", out _));
    }

    [Fact]
    public void There_are_39_key_industries_and_Other() => Assert.Equal(40, Enum.GetValues<Industry>().Length);
}

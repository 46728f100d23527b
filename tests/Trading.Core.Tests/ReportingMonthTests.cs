using Trading.Core.Primitives;

namespace Trading.Core.Tests;

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

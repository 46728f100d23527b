using Trading.Core.Ledger;
using Trading.Core.Primitives;
using Trading.Core.Reporting;

namespace Trading.Core.Tests;

/// <summary>
/// Month arithmetic at the edges of the calendar (2000-01 and 9998-12), NodaTime style: month 0 and 13, the first and
/// last month, steps across them, and the figures that look a year or a month back from 2000-01 or forward from 9998-12
/// (issue 14: these were 500s).
/// </summary>
public sealed class MonthEdgeTests
{
    private static readonly TimeSpan China = TimeSpan.FromHours(8);

    [Theory]
    [InlineData(2000, 0)]
    [InlineData(2000, 13)]
    [InlineData(9998, 0)]
    [InlineData(9998, 13)]
    [InlineData(1999, 1)]
    [InlineData(9999, 12)]
    [InlineData(0, 1)]
    [InlineData(-1, 1)]
    [InlineData(int.MaxValue, 1)]
    [InlineData(int.MinValue, 12)]
    [InlineData(2024, int.MinValue)]
    [InlineData(2024, int.MaxValue)]
    public void A_month_outside_2000_01_to_9998_12_cannot_be_made(int year, int month) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new ReportingMonth(year, month));

    [Theory]
    [InlineData("2000-00")]
    [InlineData("2000-13")]
    [InlineData("9998-13")]
    [InlineData("9999-01")]
    [InlineData("1999-12")]
    [InlineData("0000-01")]
    [InlineData("0000-00")]
    [InlineData("-001-01")]
    [InlineData("2024--1")]
    [InlineData("2024-+1")]
    [InlineData("２０２４-０６")] // full-width digits
    [InlineData("")]
    [InlineData(null)]
    public void Such_a_month_does_not_parse(string? text)
    {
        Assert.False(ReportingMonth.TryParse(text, out _, out var error));
        Assert.False(string.IsNullOrEmpty(error));
    }

    [Fact]
    public void The_first_and_last_months_are_the_edges()
    {
        Assert.Equal(new ReportingMonth(2000, 1), ReportingMonth.MinValue);
        Assert.Equal(new ReportingMonth(9998, 12), ReportingMonth.MaxValue);
        Assert.Equal(ReportingMonth.MinValue, ReportingMonth.Parse("2000-01"));
        Assert.Equal(ReportingMonth.MaxValue, ReportingMonth.Parse("9998-12"));
    }

    [Fact]
    public void The_last_month_ends_at_an_instant_though_no_month_follows()
    {
        Assert.Equal(new DateTimeOffset(9999, 1, 1, 0, 0, 0, China), ReportingMonth.MaxValue.End);
        Assert.Equal(new DateTimeOffset(9998, 12, 1, 0, 0, 0, China), ReportingMonth.MaxValue.Start);
        Assert.Equal(new DateTimeOffset(2000, 1, 1, 0, 0, 0, China), ReportingMonth.MinValue.Start);
        Assert.Equal(new DateTimeOffset(2000, 2, 1, 0, 0, 0, China), ReportingMonth.MinValue.End);
        Assert.Equal(ReportingMonth.MaxValue, ReportingMonth.Of(ReportingMonth.MaxValue.End.AddTicks(-1)));
        Assert.Equal(ReportingMonth.MinValue, ReportingMonth.Of(ReportingMonth.MinValue.Start));
    }

    [Fact]
    public void Stepping_past_an_edge_is_false_with_Try_and_an_argument_error_without()
    {
        Assert.False(ReportingMonth.MaxValue.TryAddMonths(1, out _));
        Assert.False(ReportingMonth.MinValue.TryAddMonths(-1, out _));
        Assert.False(ReportingMonth.MinValue.TryAddMonths(-12, out _));
        Assert.False(ReportingMonth.MinValue.TryAddMonths(long.MinValue, out _));
        Assert.False(ReportingMonth.MaxValue.TryAddMonths(long.MaxValue, out _));
        Assert.False(ReportingMonth.MinValue.TryAddMonths(int.MaxValue, out _));
        Assert.False(default(ReportingMonth).TryAddMonths(0, out _));
        Assert.Throws<ArgumentOutOfRangeException>(() => ReportingMonth.MaxValue.Next());
        Assert.Throws<ArgumentOutOfRangeException>(() => ReportingMonth.MinValue.Previous());
        Assert.Throws<ArgumentOutOfRangeException>(() => ReportingMonth.MinValue.AddYears(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => ReportingMonth.MaxValue.AddYears(1));
        Assert.Throws<ArgumentOutOfRangeException>(() => ReportingMonth.MaxValue.AddYears(int.MaxValue));
        Assert.Throws<ArgumentOutOfRangeException>(() => ReportingMonth.MinValue.AddMonths(int.MinValue));
    }

    [Fact]
    public void Stepping_up_to_an_edge_lands_on_it()
    {
        Assert.True(ReportingMonth.MinValue.TryAddMonths(0, out var same));
        Assert.Equal(ReportingMonth.MinValue, same);
        Assert.Equal(ReportingMonth.MaxValue, new ReportingMonth(9998, 11).Next());
        Assert.Equal(ReportingMonth.MinValue, new ReportingMonth(2000, 2).Previous());
        Assert.Equal(ReportingMonth.MinValue, new ReportingMonth(2001, 1).AddYears(-1));
        Assert.Equal(ReportingMonth.MaxValue, new ReportingMonth(9997, 12).AddYears(1));
        Assert.Equal(ReportingMonth.MaxValue, ReportingMonth.MinValue.AddMonths((9998 - 2000) * 12 + 11));
        Assert.Equal(ReportingMonth.MinValue, ReportingMonth.MaxValue.AddMonths(-((9998 - 2000) * 12 + 11)));
        Assert.Equal(new ReportingMonth(2024, 12), new ReportingMonth(2025, 1).AddMonths(-1));
        Assert.Equal(new ReportingMonth(2023, 1), new ReportingMonth(2024, 12).AddMonths(-23));
    }

    [Fact]
    public void A_range_ends_at_its_last_month_even_at_the_edge()
    {
        var m = new ReportingMonth(2024, 12);
        Assert.True(m.TryAddMonths(1, out m)); // the month itself as the result
        Assert.Equal(new ReportingMonth(2025, 1), m);
        Assert.Equal([new(9998, 11), ReportingMonth.MaxValue], ReportingMonth.Range(new ReportingMonth(9998, 11), ReportingMonth.MaxValue));
        Assert.Equal([ReportingMonth.MinValue], ReportingMonth.Range(ReportingMonth.MinValue, ReportingMonth.MinValue));
        Assert.Empty(ReportingMonth.Range(ReportingMonth.MaxValue, ReportingMonth.MinValue));
        Assert.Equal((9998 - 2000 + 1) * 12, ReportingMonth.Range(ReportingMonth.MinValue, ReportingMonth.MaxValue).Count());
    }

    [Fact]
    public void A_range_shifted_a_year_back_is_cut_to_the_months_that_exist()
    {
        Assert.Null(ReportingMonth.Shift(ReportingMonth.MinValue, new ReportingMonth(2000, 12), -12));
        Assert.Equal((ReportingMonth.MinValue, new ReportingMonth(2000, 6)), ReportingMonth.Shift(new ReportingMonth(2000, 7), new ReportingMonth(2001, 6), -12));
        Assert.Equal((new ReportingMonth(9997, 1), new ReportingMonth(9997, 12)), ReportingMonth.Shift(new ReportingMonth(9998, 1), ReportingMonth.MaxValue, -12));
        Assert.Equal((new ReportingMonth(9998, 6), ReportingMonth.MaxValue), ReportingMonth.Shift(new ReportingMonth(9997, 6), ReportingMonth.MaxValue, 12));
        Assert.Null(ReportingMonth.Shift(ReportingMonth.MinValue, ReportingMonth.MaxValue, long.MaxValue));
        Assert.Null(ReportingMonth.Shift(ReportingMonth.MaxValue, ReportingMonth.MaxValue, 1));
        Assert.Null(ReportingMonth.Shift(ReportingMonth.MinValue, ReportingMonth.MaxValue, long.MinValue / 2));
    }

    private static MarketMonth Row(int y, int m, long trades) =>
        new(new MarketId(RegionCode.Parse("131000"), Pollutant.SO2), new ReportingMonth(y, m), new Totals(trades, trades * 1_000_000, trades * 100), false);

    [Fact]
    public void A_period_from_2000_01_has_an_empty_year_before_and_no_overflow()
    {
        var rows = new[] { Row(2000, 1, 2), Row(2000, 12, 3), Row(2001, 1, 5) };
        var f = Aggregation.Period(rows, RegionPrefix.Parse("1310"), ReportingMonth.MinValue, new ReportingMonth(2000, 12), new HashSet<ReportingMonth>(), withPreviousMonth: false);
        Assert.Equal(5, f.Current.Trades);
        Assert.Equal(Totals.Zero, f.PreviousYear);
        Assert.Null(f.YearOverYear.TradesPct);
        Assert.Equal(12, f.Months.Count);
        Assert.All(f.Months, m => Assert.Equal(Totals.Zero, m.PreviousYear));

        var next = Aggregation.Period(rows, RegionPrefix.Parse("1310"), new ReportingMonth(2000, 6), new ReportingMonth(2001, 1), new HashSet<ReportingMonth>(), withPreviousMonth: false);
        Assert.Equal(2, next.PreviousYear.Trades); // 1999-06..2000-01 is cut to 2000-01
    }

    [Fact]
    public void The_month_before_2000_01_is_empty_not_an_error()
    {
        var f = Aggregation.Period([Row(2000, 1, 2)], RegionPrefix.Parse("13"), ReportingMonth.MinValue, ReportingMonth.MinValue,
            new HashSet<ReportingMonth> { ReportingMonth.MinValue }, withPreviousMonth: true);
        Assert.True(f.Closed);
        Assert.Equal(2, f.Current.Trades);
        Assert.Equal(Totals.Zero, f.PreviousMonth);
        Assert.Null(f.MonthOverMonth!.TradesPct);
    }

    [Fact]
    public void A_period_to_9998_12_ends_there()
    {
        var rows = new[] { Row(9997, 12, 1), Row(9998, 12, 4) };
        var f = Aggregation.Period(rows, RegionPrefix.All, new ReportingMonth(9998, 1), ReportingMonth.MaxValue, new HashSet<ReportingMonth>(), withPreviousMonth: false);
        Assert.Equal(4, f.Current.Trades);
        Assert.Equal(1, f.PreviousYear.Trades);
        Assert.Equal(12, f.Months.Count);
        Assert.Equal(ReportingMonth.MaxValue, f.Months[^1].Month);
        var last = Aggregation.Period(rows, RegionPrefix.All, ReportingMonth.MaxValue, ReportingMonth.MaxValue, new HashSet<ReportingMonth>(), withPreviousMonth: true);
        Assert.Equal(4, last.Current.Trades);
        Assert.Equal(1, last.PreviousYear.Trades);
    }
}

/// <summary>Instants and dates past the calendar's end (9998, China time) are bad input, not 500s further on (issue 14).</summary>
public sealed class CalendarEndTests
{
    [Theory]
    [InlineData("9998-12-31T23:59:59.9999999+08:00", true)]
    [InlineData("9998-12-31T15:59:59Z", true)]
    [InlineData("9998-12-31T16:00:00Z", false)] // 9999-01-01 00:00 in China
    [InlineData("9999-01-01T00:00:00+08:00", false)]
    [InlineData("9999-12-31T23:59:59+00:00", false)] // its China time would be year 10000
    [InlineData("9999-12-31T23:59:59.9999999+00:00", false)]
    [InlineData("9999-12-31T23:59:59-14:00", false)]
    [InlineData("0001-01-01T00:00:00+14:00", false)]
    [InlineData("0001-01-01T00:00:00+00:00", true)] // parses; each use says whether the past is allowed
    public void A_timestamp_parses_only_within_the_calendar(string text, bool valid)
    {
        Assert.Equal(valid, Timestamps.TryParse(text, out var at, out var error));
        if (valid) Assert.NotNull(Timestamps.Format(at));
        else Assert.False(string.IsNullOrEmpty(error));
    }

    [Theory]
    [InlineData("9998-12-31", true)]
    [InlineData("2000-01-01", true)]
    [InlineData("0001-01-01", true)]
    [InlineData("9999-01-01", false)]
    [InlineData("9999-12-31", false)]
    [InlineData("2024-02-30", false)]
    [InlineData("2024-13-01", false)]
    [InlineData("99999-01-01", false)]
    public void A_grade_is_valid_until_9998_12_31_at_the_latest(string date, bool valid)
    {
        var input = new Enterprises.EnterpriseInput
        {
            Name = "n", Region = "131024", Industry = "IndustrialCoating", Grade = "B", GradeValidUntil = date, PositiveList = true, CreditRating = "Blue",
        };
        var code = CreditCode.FromBody("91131024MA0000000").Value; // a valid code (check character computed)
        if (valid) Assert.Equal(DateOnly.ParseExact(date, "yyyy-MM-dd"), input.Validate(code, DateTimeOffset.UtcNow).GradeValidUntil);
        else Assert.Contains("gradeValidUntil", Assert.Throws<ValidationException>(() => input.Validate(code, DateTimeOffset.UtcNow)).Errors.Keys);
    }
}

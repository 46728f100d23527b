using Trading.Core.Primitives;

namespace Trading.Core.Tests;

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

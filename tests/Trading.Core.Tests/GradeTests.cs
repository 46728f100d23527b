using Trading.Core.Primitives;

namespace Trading.Core.Tests;

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

using Trading.Core.Primitives;

namespace Trading.Core.Tests;

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

using Trading.Core.Primitives;

namespace Trading.Core.Tests;

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

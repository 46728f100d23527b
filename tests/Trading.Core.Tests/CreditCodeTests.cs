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

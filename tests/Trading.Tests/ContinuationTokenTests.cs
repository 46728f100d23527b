using Trading.Core;
using Trading.Infra;

namespace Trading.Tests;

/// <summary>Continuation tokens on their own (no server): what was given decodes, anything else is a 400 (issue 14).</summary>
public sealed class ContinuationTokenTests
{
    [Theory]
    [InlineData("bytime:0631112345678901234:131000-SO2:000000000012")]
    [InlineData("1310 91131000MA0000001X")]
    [InlineData("中文键")]
    public void A_token_given_decodes_to_what_it_holds(string raw) => Assert.Equal(raw, ContinuationTokens.Decode(ContinuationTokens.Encode(raw)));

    [Theory]
    [InlineData("!!!")]
    [InlineData("a")]
    [InlineData("gICAgICAgIA")] // not UTF-8
    [InlineData("CgoKCgo")] // newlines
    [InlineData("AAAA")] // NULs
    public void A_token_not_given_is_400(string token) =>
        Assert.Contains("continuationToken", Assert.Throws<ValidationException>(() => ContinuationTokens.Decode(token)).Errors.Keys);

    [Fact]
    public void A_token_longer_than_a_storage_key_is_400()
    {
        Assert.Equal(1024, ContinuationTokens.Decode(ContinuationTokens.Encode(new string('a', 1024)))!.Length);
        Assert.Equal(341, ContinuationTokens.Decode(ContinuationTokens.Encode(new string('中', 341)))!.Length); // 1,023 bytes
        Assert.Throws<ValidationException>(() => ContinuationTokens.Decode(ContinuationTokens.Encode(new string('中', 342))));
        Assert.Throws<ValidationException>(() => ContinuationTokens.Decode(ContinuationTokens.Encode(new string('a', 1025))));
        Assert.Throws<ValidationException>(() => ContinuationTokens.Decode(new string('A', 100_000)));
    }
}

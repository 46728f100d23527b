using Trading.Core.Access;
using Trading.Core.Primitives;

namespace Trading.Core.Tests;

public sealed class PrincipalTests
{
    [Fact]
    public void An_official_governs_regions_under_its_prefix_only()
    {
        var langfang = Principal.Official(RegionPrefix.Parse("1310"));
        Assert.True(langfang.GovernsRegion(RegionCode.Parse("131024")));
        Assert.False(langfang.GovernsRegion(RegionCode.Parse("130100")));
        Assert.True(langfang.GovernsPrefix(RegionPrefix.Parse("131024")));
        Assert.False(langfang.GovernsPrefix(RegionPrefix.Parse("13")));
        Assert.False(langfang.GovernsPrefix(RegionPrefix.All));
        Assert.True(Principal.Admin.GovernsPrefix(RegionPrefix.All));
    }

    [Fact]
    public void Enterprises_and_banks_govern_no_region()
    {
        var code = CreditCode.FromBody("91131000MA0000001");
        Assert.False(Principal.Enterprise(code).GovernsRegion(RegionCode.Parse("131000")));
        Assert.True(Principal.Enterprise(code).IsEnterprise(code));
        Assert.True(BankId.TryParse("ICBC-LF", out var bank, out _));
        Assert.False(Principal.Bank(bank).GovernsRegion(RegionCode.Parse("131000")));
    }

    [Theory]
    [InlineData("official", "1310", true)]
    [InlineData("official", "131", false)]
    [InlineData("enterprise", "91330100716105852F", true)]
    [InlineData("enterprise", "91330100716105852E", false)]
    [InlineData("bank", "ICBC-LF", true)]
    [InlineData("bank", "1CBC", false)]
    [InlineData("admin", "", true)]
    [InlineData("admin", "x", false)]
    [InlineData("root", "", false)]
    public void Keys_are_issued_for_valid_role_and_subject_pairs(string role, string subject, bool valid)
    {
        var errors = new FieldErrors();
        var principal = Principal.TryCreate(role, subject, errors);
        Assert.Equal(valid, principal is not null && !errors.Any);
    }
}

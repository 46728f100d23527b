using Trading.Core.Primitives;

namespace Trading.Core.Tests;

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

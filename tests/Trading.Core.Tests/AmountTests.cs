using Trading.Core.Ledger;
using Trading.Core.Primitives;

namespace Trading.Core.Tests;

public sealed class AmountTests
{
    private static Quantity T(string tonnes) => Quantity.TryFromTonnes(decimal.Parse(tonnes, System.Globalization.CultureInfo.InvariantCulture), out var q, out _) ? q : throw new ArgumentException(tonnes);
    private static Money Y(string yuan) => Money.TryFromYuan(decimal.Parse(yuan, System.Globalization.CultureInfo.InvariantCulture), false, out var m, out _) ? m : throw new ArgumentException(yuan);

    [Theory]
    [InlineData("96", "389", 5, 18_672_000)]        // published trade: 186,720.00
    [InlineData("8.074", "6000", 5, 24_222_000)]    // 242,220.00
    [InlineData("21.648", "4500", 5, 48_708_000)]   // 487,080.00
    [InlineData("0.000001", "5000", 1, 1)]          // 0.005 rounds half away from zero to 0.01
    [InlineData("0.000001", "4999.99", 1, 0)]       // 0.00499999 rounds down
    [InlineData("0.000003", "1666.67", 1, 1)]       // 0.00500001 rounds up
    [InlineData("1.234567", "0.01", 5, 6)]          // 0.06172835 -> 0.06
    [InlineData("1000000000", "1000000", 5, 500_000_000_000_000_000)]
    public void Amount_is_quantity_times_price_times_years_rounded_half_away_from_zero(string q, string p, int years, long fen) =>
        Assert.Equal(fen, Amounts.TradeAmount(T(q), Y(p), years).Fen);

    [Fact]
    public void Two_published_trades_sum_exactly() =>
        // The domain notes quote 730,800.00 for (8.074 x 6000 + 21.648 x 4500) x 5; the factors give 729,300.00.
        Assert.Equal(72_930_000, Amounts.TradeAmount(T("8.074"), Y("6000"), 5).Fen + Amounts.TradeAmount(T("21.648"), Y("4500"), 5).Fen);

    [Fact]
    public void An_amount_past_64_bits_of_fen_overflows_loudly() =>
        Assert.Throws<OverflowException>(() => Amounts.TradeAmount(T("1000000000"), Y("1000000000000"), 5));
}

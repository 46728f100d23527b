using Trading.Core.Ledger;
using Trading.Core.Market;
using Trading.Core.Primitives;

namespace Trading.Core.Tests;

public sealed class AuctionBookTests
{
    private static readonly DateTimeOffset T0 = new(2025, 6, 1, 10, 0, 0, TimeSpan.FromHours(8));
    private static Quantity T(decimal tonnes) => Quantity.FromGrams((long)(tonnes * 1_000_000));
    private static Bid B(string who, decimal tonnes, decimal price, int minute) =>
        new(1, Holder.Of(CreditCode.FromBody("91131000MA00000" + who)), T(tonnes), Money.FromFen((long)(price * 100)), T0.AddMinutes(minute));

    public static TheoryData<string, decimal, decimal, Bid[], (string Who, decimal Tonnes)[]> Cases => new()
    {
        // Ningxia 2025: NOx 4.048 t/a, start 21,000, increment 500.
        { "every bid filled", 4.048m, 0.5m, [B("01", 1m, 21_000, 1), B("02", 2m, 22_000, 2), B("03", 1m, 21_500, 3)], [("02", 2m), ("03", 1m), ("01", 1m)] },
        { "ties on price broken by time", 3m, 0.5m, [B("04", 2m, 21_500, 5), B("05", 2m, 21_500, 4)], [("05", 2m), ("04", 1m)] },
        { "a partial last fill of at least the minimum lot", 4.048m, 1m, [B("06", 3m, 23_000, 1), B("07", 3m, 22_500, 2)], [("06", 3m), ("07", 1.048m)] },
        { "a remainder below the minimum lot is not sold", 4.048m, 2m, [B("08", 3m, 23_000, 1), B("09", 3m, 22_500, 2)], [("08", 3m)] },
        { "the allocation stops at the first bid that does not fit", 5m, 2m, [B("10", 4m, 23_000, 1), B("11", 3m, 22_000, 2), B("12", 1m, 21_000, 3)], [("10", 4m)] },
        { "nothing sold without bids", 4.048m, 0.5m, [], [] },
        { "exactly the quantity", 4m, 1m, [B("13", 4m, 21_000, 9), B("14", 1m, 20_000, 1)], [("13", 4m)] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void An_auction_allocates_by_price_then_time(string name, decimal quantity, decimal minLot, Bid[] bids, (string Who, decimal Tonnes)[] expected)
    {
        var result = AuctionBook.Allocate(T(quantity), T(minLot), bids);
        Assert.True(expected.Select(e => (CreditCode.FromBody("91131000MA00000" + e.Who).Value, T(e.Tonnes).Grams))
            .SequenceEqual(result.Select(r => (r.Bid.Bidder.Value, r.Quantity.Grams))), name);
        Assert.True(result.Sum(r => r.Quantity.Grams) <= T(quantity).Grams);
    }
}

using Trading.Core.Access;
using Trading.Core.Finance;
using Trading.Core.Primitives;

namespace Trading.Core.Tests;

public sealed class PledgeSizingTests
{
    [Fact]
    public void A_loan_binds_the_quantity_whose_value_covers_it_rounded_up_to_the_gram()
    {
        var product = new LoanProductInput
        {
            Name = "质押贷", MinGrade = "B", MinCreditRating = "Blue", Industries = [], Regions = [], MinAmount = 1m, MaxAmount = 10_000_000m,
            AnnualRatePct = 3.45m, TermMonths = 36, Pledge = new LoanProductInput.PledgeInput { Pollutants = ["PM"], LoanToValue = 0.7m },
        }.Validate(BankId.TryParse("HXB-LF", out var b, out _) ? b : default, "p", DateTimeOffset.UtcNow);
        // 3,000.00 per t·yr (12,000.00 for 2 t × 2 years): 600,000 / (3,000 × 3 × 0.7) = 95.238095… t → 95.238096 t.
        var price = new MarketPrice(1_200_000, 4_000_000);
        Assert.Equal(95_238_096, PledgeSizing.Needed(Money.FromFen(60_000_000), price, product).Grams);
        Assert.Equal(2, PledgeSizing.Needed(Money.FromFen(1), price, product).Grams); // a gram is worth 0.63 fen: 1 fen needs 2 g
    }
}

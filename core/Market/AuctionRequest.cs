using Trading.Core.Primitives;

namespace Trading.Core.Market;

/// <summary>A validated reserve auction (竞价): quantity, term, start price, increment, minimum lot, and the window for bids.</summary>
public sealed record AuctionRequest(MarketId Market, Quantity Quantity, int TermYears, Money StartPrice, Money Increment, Quantity MinLot,
    DateTimeOffset OpensAt, DateTimeOffset ClosesAt)
{
    public string Fingerprint() => Hashing.Sha256Hex(string.Join('\n', "auction", Market.Key, Quantity.Grams, TermYears, StartPrice.Fen, Increment.Fen,
        MinLot.Grams, OpensAt.UtcTicks, ClosesAt.UtcTicks));

    /// <summary>A price is on the grid: the start price plus a whole number of increments.</summary>
    public bool OnGrid(Money price) => price.Fen >= StartPrice.Fen && (price.Fen - StartPrice.Fen) % Increment.Fen == 0;
}

using Trading.Core.Primitives;

namespace Trading.Core.Ledger;

/// <summary>The rows of one market a use case needs to decide; the market's head is always read.</summary>
public sealed record MarketReads
{
    public IReadOnlyCollection<Holder> Holders { get; init; } = [];
    public IReadOnlyCollection<ReportingMonth> Months { get; init; } = [];
    public IReadOnlyCollection<long> Proposals { get; init; } = [];
    public IReadOnlyCollection<long> Pledges { get; init; } = [];
    public IReadOnlyCollection<long> Allocations { get; init; } = [];
    public IReadOnlyCollection<long> Trades { get; init; } = [];
    public IReadOnlyCollection<DateOnly> Days { get; init; } = [];
    public IReadOnlyCollection<long> Listings { get; init; } = [];
    public IReadOnlyCollection<long> Auctions { get; init; } = [];

    /// <summary>Every bid of these auctions (a range of rows).</summary>
    public IReadOnlyCollection<long> BidsOf { get; init; } = [];

    /// <summary>The caller's own bid in an auction, when it places one.</summary>
    public IReadOnlyCollection<(long Auction, Holder Bidder)> Bids { get; init; } = [];

    /// <summary>Day counters of a window of China dates (inclusive), for a price (a range of rows, not written).</summary>
    public (DateOnly From, DateOnly To)? PriceDays { get; init; }

    public static MarketReads HeadOnly { get; } = new();

    /// <summary>Every row of both.</summary>
    public MarketReads Union(MarketReads other) => new()
    {
        Holders = Holders.Union(other.Holders).ToList(),
        Months = Months.Union(other.Months).ToList(),
        Proposals = Proposals.Union(other.Proposals).ToList(),
        Pledges = Pledges.Union(other.Pledges).ToList(),
        Allocations = Allocations.Union(other.Allocations).ToList(),
        Trades = Trades.Union(other.Trades).ToList(),
        Days = Days.Union(other.Days).ToList(),
        Listings = Listings.Union(other.Listings).ToList(),
        Auctions = Auctions.Union(other.Auctions).ToList(),
        BidsOf = BidsOf.Union(other.BidsOf).ToList(),
        Bids = Bids.Union(other.Bids).ToList(),
        PriceDays = PriceDays ?? other.PriceDays,
    };
}

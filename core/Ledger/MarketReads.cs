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
    };
}

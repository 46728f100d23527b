using Trading.Core.Primitives;
using Trading.Core.Writes;

namespace Trading.Core.Ledger;

/// <summary>
/// A market's head row, written by every change to the market (so changes to one market are serialised): the last trade's
/// sequence and hash, the counters that number allocations, pledges, proposals, listings, auctions and audit records, how
/// many listings and auctions are open, the events it sent, and the latest trade's price (by trade date).
/// </summary>
public sealed record MarketHead(long Sequence, string LastHash, long AllocationCount, Quantity Allocated, long PledgeCount = 0,
    long ProposalCount = 0, long AuditCount = 0, long ListingCount = 0, long AuctionCount = 0, long OpenListings = 0, long OpenAuctions = 0,
    long LastPriceFen = 0, DateTimeOffset? LastTradedAt = null, long EventCount = 0) : IHead
{
    public IHead WithAuditCount(long auditCount) => this with { AuditCount = auditCount };

    public IHead WithEventCount(long eventCount) => this with { EventCount = eventCount };

    public TResult Accept<TResult>(IRowVisitor<TResult> visitor) => visitor.Visit(this);

    /// <summary>
    /// The head after <paramref name="trade"/>: its sequence and hash, and its price if it is the latest in-band trade by
    /// trade date (an out-of-band trade is never a market's last price).
    /// </summary>
    public MarketHead After(Trade trade) => trade.OutsideBand ? this with { Sequence = trade.Sequence, LastHash = trade.Hash } : this with
    {
        Sequence = trade.Sequence,
        LastHash = trade.Hash,
        LastPriceFen = LastTradedAt is { } at && at > trade.Request.TradedAt ? LastPriceFen : trade.Request.UnitPrice.Fen,
        LastTradedAt = LastTradedAt is { } at2 && at2 > trade.Request.TradedAt ? at2 : trade.Request.TradedAt,
    };

    public static MarketHead Empty { get; } = new(0, Trade.GenesisHash, 0, Quantity.Zero);
}

using Trading.Core.Primitives;

namespace Trading.Core.Ledger;

/// <summary>
/// A market's head row, written by every change to the market (so changes to one market are serialised): the last trade's
/// sequence and hash, and the counters that number allocations, pledges, proposals and audit records.
/// </summary>
public sealed record MarketHead(long Sequence, string LastHash, long AllocationCount, Quantity Allocated, long PledgeCount = 0,
    long ProposalCount = 0, long AuditCount = 0)
{
    public static MarketHead Empty { get; } = new(0, Trade.GenesisHash, 0, Quantity.Zero);
}

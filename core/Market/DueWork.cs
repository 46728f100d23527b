using System.Globalization;
using Trading.Core.Finance;
using Trading.Core.Ledger;
using Trading.Core.Writes;

namespace Trading.Core.Market;

/// <summary>
/// The due work a change creates, and how it is filed by time: a new proposal, pledge request or listing falls due at its
/// expiry, a new auction at its <c>closesAt</c>. The due index keeps one entry per item in the bucket of its due minute
/// (<see cref="Bucket"/>), written before the change commits; an entry is dropped once its work committed, or once it is
/// stale (<see cref="CanDrop"/>).
/// </summary>
public static class DueWork
{
    /// <summary>
    /// How long an entry whose row is absent may still be waiting for its commit (the write that wrote it may still be
    /// retrying): the marks' settling time, with room for the instances' clock skew.
    /// </summary>
    public static readonly TimeSpan Settled = TimeSpan.FromMinutes(6);

    /// <summary>The due items of the rows a change creates (rows written with no If-Match).</summary>
    public static IReadOnlyList<DueItem> Created(IEnumerable<RowChange> changes) =>
        changes.Where(c => c.IfMatch is null).Select(c => Of(c.Row)).OfType<DueItem>().ToList();

    /// <summary>The due item of one row while it is open (null: nothing falls due).</summary>
    public static DueItem? Of(IRow row) => row switch
    {
        TradeProposal { Status: ProposalStatus.Proposed } p => new DueItem(DueKind.Proposal, p.Number, p.ExpiresAt),
        Pledge { Status: PledgeStatus.Requested, ExpiresAt: { } at } p => new DueItem(DueKind.Pledge, p.Number, at),
        Listing { Status: ListingStatus.Open } l => new DueItem(DueKind.Listing, l.Number, l.ExpiresAt),
        Auction { Status: not AuctionStatus.Closed } a => new DueItem(DueKind.Auction, a.Number, a.Request.ClosesAt),
        _ => null,
    };

    /// <summary>The bucket of a due time: its UTC minute, as text that sorts in time order (<c>yyyyMMddHHmm</c>).</summary>
    public static string Bucket(DateTimeOffset dueAt) => dueAt.UtcDateTime.ToString("yyyyMMddHHmm", CultureInfo.InvariantCulture);

    /// <summary>
    /// Whether an entry written at <paramref name="writtenAt"/> may go, once the work of its run committed: its row
    /// is there and no longer open (<paramref name="stillOpen"/> false), or its row is absent (<paramref name="exists"/>
    /// false) and the write that indexed it has had time to commit (its commit failed, or it was refused).
    /// </summary>
    public static bool CanDrop(bool exists, bool stillOpen, DateTimeOffset writtenAt, DateTimeOffset now) =>
        exists ? !stillOpen : now - writtenAt >= Settled;
}

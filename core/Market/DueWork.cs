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
    /// The due items of a change to a bank's book at <paramref name="now"/>: each application or loan it leaves with a
    /// step to do (due at once), and each application it submits (due at the end of its 30 days).
    /// </summary>
    public static IReadOnlyList<DueItem> OfBank(IEnumerable<RowChange> changes, DateTimeOffset now)
    {
        var items = new List<DueItem>();
        foreach (var change in changes)
        {
            switch (change.Row)
            {
                case Loans.LoanApplication a:
                    if (a.Pending) items.Add(new DueItem(DueKind.ApplicationStep, a.Number, now));
                    if (change.IfMatch is null && a.Status is Loans.ApplicationStatus.Submitted or Loans.ApplicationStatus.Submitting)
                        items.Add(new DueItem(DueKind.ApplicationExpiry, a.Number, a.ExpiresAt));
                    break;
                case Loans.Loan { Pending: true } l:
                    items.Add(new DueItem(DueKind.LoanStep, l.Number, now));
                    break;
            }
        }
        return items;
    }

    /// <summary>Whether a row is still what <paramref name="item"/> waits on: the offer open, the auction not closed, the step left, the application submitted.</summary>
    public static bool StillDue(DueItem item, IRow row) => item.Kind switch
    {
        DueKind.ApplicationStep => row is Loans.LoanApplication { Pending: true },
        DueKind.ApplicationExpiry => row is Loans.LoanApplication { Status: Loans.ApplicationStatus.Submitted or Loans.ApplicationStatus.Submitting },
        DueKind.LoanStep => row is Loans.Loan { Pending: true },
        _ => Of(row) is not null,
    };

    /// <summary>
    /// Whether an entry written at <paramref name="writtenAt"/> may go, once the work of its run committed: its row is there
    /// and no longer waits on it (<paramref name="stillDue"/> false; for a step, only once the change that indexed it has had
    /// time to commit, since its row was there before), or its row is absent (<paramref name="exists"/> false) and the
    /// change that indexed it has had time to commit (its commit failed, or it was refused).
    /// </summary>
    public static bool CanDrop(DueItem item, bool exists, bool stillDue, DateTimeOffset writtenAt, DateTimeOffset now)
    {
        var settled = now - writtenAt >= Settled;
        return exists ? !stillDue && (item.OnNewRow || settled) : settled;
    }
}

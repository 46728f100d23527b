using Trading.Core.Finance;
using Trading.Core.Market;
using Trading.Core.Primitives;

namespace Trading.Core.Ledger.UseCases;

/// <summary>
/// The <c>ExpireProposals</c> timer's step in one market: ends the given proposals, pledge requests and listings that are
/// still open and past their expiry, returning what the proposals and listings froze. Answers how many it ended; running it again ends none.
/// </summary>
public sealed record ExpireOffers(MarketId Market, IReadOnlyList<long> Proposals, IReadOnlyList<long> Pledges, IReadOnlyList<long>? Listings = null)
    : IMarketUseCase<int>
{
    /// <summary>
    /// At most this many offers per transaction: each writes its row, an audit record and (a seller's offer) its seller's
    /// holding, so 3 × 30 + the head stays under the 100 actions of one transaction.
    /// </summary>
    public const int MaxPerBatch = 30;

    public string Action => "offers.expired";

    public MarketReads Reads(MarketSnapshot? loaded, UseCaseContext context)
    {
        var reads = new MarketReads { Proposals = Proposals, Pledges = Pledges, Listings = Listings ?? [] };
        if (loaded is null) return reads;
        return reads with
        {
            Holders = Proposals.Select(n => loaded.Proposals.GetValueOrDefault(n)).OfType<Versioned<TradeProposal>>()
                .Where(p => p.Exists && p.Value.Freezes).Select(p => p.Value.Request.Seller)
                .Concat((Listings ?? []).Select(n => loaded.Listings.GetValueOrDefault(n)).OfType<Versioned<Listing>>()
                    .Where(l => l.Exists).Select(l => l.Value.Request.Seller))
                .Distinct().ToList(),
        };
    }

    public Decision<int> Decide(MarketSnapshot snapshot, UseCaseContext context)
    {
        if (context.Caller.Role != Access.Role.Admin) throw new ForbiddenException("Offers are expired by the ExpireProposals timer.");
        var changes = new List<RowChange>();
        var audit = new List<AuditEntry>();
        var holdings = new Dictionary<Holder, (Versioned<Holding> Row, Holding Value)>();
        foreach (var n in Proposals)
        {
            if (snapshot.Proposals.GetValueOrDefault(n) is not { Exists: true } row) continue;
            var p = row.Value;
            if (p.Status != ProposalStatus.Proposed || !p.IsPastExpiry(context.Now)) continue;
            changes.Add(RowChange.Of(row, p with { Status = ProposalStatus.Expired, EndedAt = context.Now, EndedBy = context.Caller.Id }));
            audit.Add(new AuditEntry("proposal.expired", p.Id));
            if (p.Freezes) Unfreeze(p.Request.Seller, p.Request.Quantity);
        }
        foreach (var n in Pledges)
        {
            if (snapshot.Pledges.GetValueOrDefault(n) is not { Exists: true } row) continue;
            var p = row.Value;
            if (p.Status != PledgeStatus.Requested || !p.IsPastExpiry(context.Now)) continue;
            changes.Add(RowChange.Of(row, p with { Status = PledgeStatus.Expired, EndedAt = context.Now, EndedBy = context.Caller.Id }));
            audit.Add(new AuditEntry("pledge.expired", p.Id));
        }
        var head = snapshot.Head.Value;
        foreach (var n in Listings ?? [])
        {
            if (snapshot.Listings.GetValueOrDefault(n) is not { Exists: true } row) continue;
            var l = row.Value;
            if (l.Status != ListingStatus.Open || !l.IsPastExpiry(context.Now)) continue;
            changes.Add(RowChange.Of(row, l with { Status = ListingStatus.Expired, EndedAt = context.Now, EndedBy = context.Caller.Id }));
            audit.Add(new AuditEntry("listing.expired", l.Id));
            head = head with { OpenListings = head.OpenListings - 1 };
            Unfreeze(l.Request.Seller, l.Remaining);
        }
        changes.AddRange(holdings.Values.Select(h => RowChange.Of(h.Row, h.Value)));
        return audit.Count == 0 ? Decision<int>.Unchanged(0) : new Decision<int>(audit.Count, changes, head, audit);

        void Unfreeze(Holder seller, Quantity quantity)
        {
            if (!holdings.TryGetValue(seller, out var h))
            {
                var read = snapshot.Holding(seller);
                h = (read, read.Value);
            }
            holdings[seller] = (h.Row, h.Value.Unfreeze(quantity));
        }
    }
}

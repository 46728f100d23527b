using System.Globalization;
using Trading.Core.Enterprises;
using Trading.Core.Access;
using Trading.Core.Finance;
using Trading.Core.Market;
using Trading.Core.Ledger;
using Trading.Core.Ledger.UseCases;
using Trading.Core.Primitives;

namespace Trading.Functions;

/// <summary>
/// Wire shapes of the API (camelCase through the shared Newtonsoft settings, nulls written). Money as yuan with 2
/// decimals, quantities in t/a. Each shape is a named record, so the OpenAPI document describes exactly what is sent.
/// </summary>
public static class Views
{
    public static EnterpriseView Enterprise(Enterprise e) => new(
        e.CreditCode.Value, e.Name, e.Region.Value, e.Industry.ToString(), e.Grade.ToString(),
        e.GradeValidUntil?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), e.PositiveList, e.CreditRating.ToString(),
        Timestamps.Format(e.UpdatedAt));

    public static TradeView Trade(Trade t)
    {
        var r = t.Request;
        return new TradeView(t.Id.ToString(), r.Market.Region.Value, r.Market.Pollutant.ToString(), r.Seller.Value, r.Buyer.Value,
            r.Quantity.Tonnes, r.UnitPrice.Yuan, r.TermYears, r.Method.ToString(), Timestamps.Format(r.TradedAt), r.Amount.Yuan, r.Reference,
            r.Month.ToString(), t.Sequence, Timestamps.Format(t.RecordedAt), t.RecordedBy, t.Hash, t.PreviousHash, t.OutsideBand);
    }

    public static AllocationView Allocation(Allocation a) => new(
        a.Id, a.Request.Holder.Value, a.Request.Market.Region.Value, a.Request.Market.Pollutant.ToString(), a.Request.Quantity.Tonnes,
        a.Request.Reference, Timestamps.Format(a.RecordedAt), a.RecordedBy, a.Revoked is null ? "allocated" : "revoked",
        a.Revoked is { } r ? new RevocationView(r.Quantity.Tonnes, r.Reason, Timestamps.Format(r.At), r.By) : null);

    /// <summary>A trade proposal as its parties see it, with the trade once it is settled.</summary>
    public static ProposalView Proposal(ProposalOutcome o)
    {
        var p = o.Proposal;
        var r = p.Request;
        return new ProposalView(p.Id, StateConflict.Name(p.Status), r.ProposedBy.Value, p.Counterparty.Value, r.Market.Region.Value,
            r.Market.Pollutant.ToString(), r.Seller.Value, r.Buyer.Value, r.Quantity.Tonnes, r.UnitPrice.Yuan, r.TermYears, r.Method.ToString(),
            r.Amount.Yuan, r.Reference, Timestamps.Format(p.CreatedAt), Timestamps.Format(p.ExpiresAt),
            p.EndedAt is { } e ? Timestamps.Format(e) : null, p.EndedBy, o.Trade is { } t ? Trade(t) : null);
    }

    /// <summary>A listing; its seller is named only to the seller itself, officials in scope and admin.</summary>
    public static ListingView Listing(Listing l, Principal caller) => new(
        l.Id, StateConflict.Name(l.Status), l.Market.Region.Value, l.Market.Pollutant.ToString(),
        MarketAccess.MaySeeParty(caller, l.Request.Seller, l.Market) ? l.Request.Seller.Value : null,
        l.Request.Quantity.Tonnes, l.Remaining.Tonnes, l.Request.UnitPrice.Yuan, l.Request.TermYears, l.Request.MinLot.Tonnes,
        Timestamps.Format(l.CreatedAt), Timestamps.Format(l.ExpiresAt), l.EndedAt is { } e ? Timestamps.Format(e) : null);

    /// <summary>An auction with its best price and bid count; once settled, its results (bidders named as for listings).</summary>
    public static AuctionView Auction(Auction a, IReadOnlyList<Bid> bids, Principal caller) => new(
        a.Id, StateConflict.Name(a.Status), a.Market.Region.Value, a.Market.Pollutant.ToString(), a.Request.Quantity.Tonnes,
        a.Request.TermYears, a.Request.StartPrice.Yuan, a.Request.Increment.Yuan, a.Request.MinLot.Tonnes,
        Timestamps.Format(a.Request.OpensAt), Timestamps.Format(a.Request.ClosesAt), a.BestPrice?.Yuan, a.Bids, a.Sold.Tonnes,
        a.ClosedAt is { } c ? Timestamps.Format(c) : null,
        bids.Where(b => b.Filled is not null).OrderByDescending(b => b.UnitPrice.Fen).ThenBy(b => b.PlacedAt)
            .Select(b => Bid(b, a.Id, MarketAccess.MaySeeParty(caller, b.Bidder, a.Market))).ToList());

    public static BidView Bid(Bid b, string auctionId, bool showBidder) => new(
        auctionId, showBidder ? b.Bidder.Value : null, b.Quantity.Tonnes, b.UnitPrice.Yuan, Timestamps.Format(b.PlacedAt), b.Filled?.Tonnes,
        b.TradeSequence is { } seq ? $"{auctionId[..auctionId.LastIndexOf("-AU", StringComparison.Ordinal)]}-{seq}" : null);

    /// <summary>An application as readers see it (resolved by <see cref="Trading.Core.Loans.LoanGrant.Resolve"/>), with its loan when granted.</summary>
    public static ApplicationView Application(Trading.Core.Loans.LoanApplication a, Trading.Core.Loans.Loan? loan) => new(
        a.Id, StateConflict.Name(a.Status), a.Bank.Value, a.ProductId, a.Applicant.Value, a.Amount.Yuan, a.Purpose,
        Timestamps.Format(a.CreatedAt), Timestamps.Format(a.ExpiresAt), a.DecidedAt is { } d ? Timestamps.Format(d) : null, a.DecidedBy, a.Reason,
        loan is null ? null : Loan(loan),
        a.Offer is { } o ? new OfferedPledgeView(o.Market.Region.Value, o.Market.Pollutant.ToString(), o.Quantity.Tonnes, o.PledgeId) : null);

    public static LoanView Loan(Trading.Core.Loans.Loan l) => new(
        l.Id, StateConflict.Name(l.Status), l.Bank.Value, l.Borrower.Value, l.BorrowerRegion.Value, l.ProductId, l.Amount.Yuan,
        l.AnnualRatePct, l.TermMonths, Timestamps.Format(l.GrantedAt), l.Month.ToString(), l.Reference, l.ApplicationId, l.PledgeId,
        Timestamps.Format(l.RecordedAt), l.RecordedBy, l.RepaidAt is { } r ? Timestamps.Format(r) : null);

    public static PledgeView Pledge(Pledge p) => new(
        p.Id, StateConflict.Name(p.Status), p.RequestedBy.ToString().ToLowerInvariant(), p.Request.Bank.Value, p.Request.Holder.Value,
        p.Request.Market.Region.Value, p.Request.Market.Pollutant.ToString(), p.Request.Quantity.Tonnes, p.Request.LoanAmount.Yuan,
        p.Request.Reference, Timestamps.Format(p.CreatedAt), p.CreatedBy, p.ExpiresAt is { } x ? Timestamps.Format(x) : null,
        p.ActivatedAt is { } a ? Timestamps.Format(a) : null, p.ActivatedBy, p.EndedAt is { } e ? Timestamps.Format(e) : null, p.EndedBy);

    public static HoldingView Holding(MarketHolding h) => new(
        h.Market.Region.Value, h.Market.Pollutant.ToString(), h.Holding.Held.Tonnes, h.Holding.Pledged.Tonnes, h.Holding.Frozen.Tonnes,
        h.Holding.Available.Tonnes);

    public static Page<TView> Page<T, TView>(ListPage<T> page, Func<T, TView> view) => new(page.Items.Select(view).ToList(), page.ContinuationToken);
}

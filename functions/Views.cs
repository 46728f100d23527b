using System.Globalization;
using Trading.Core.Enterprises;
using Trading.Core.Access;
using Trading.Core.Finance;
using Trading.Core.Market;
using Trading.Core.Ledger;
using Trading.Core.Ledger.UseCases;
using Trading.Core.Primitives;

namespace Trading.Functions;

/// <summary>Wire shapes of the API (camelCase through the shared Newtonsoft settings). Money as yuan with 2 decimals, quantities in t/a.</summary>
public static class Views
{
    public static object Enterprise(Enterprise e) => new
    {
        creditCode = e.CreditCode.Value,
        name = e.Name,
        region = e.Region.Value,
        industry = e.Industry.ToString(),
        grade = e.Grade.ToString(),
        gradeValidUntil = e.GradeValidUntil?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        positiveList = e.PositiveList,
        creditRating = e.CreditRating.ToString(),
        updatedAt = Timestamps.Format(e.UpdatedAt),
    };

    public static object Trade(Trade t)
    {
        var r = t.Request;
        return new
        {
            id = t.Id.ToString(),
            region = r.Market.Region.Value,
            pollutant = r.Market.Pollutant.ToString(),
            seller = r.Seller.Value,
            buyer = r.Buyer.Value,
            quantity = r.Quantity.Tonnes,
            unitPrice = r.UnitPrice.Yuan,
            termYears = r.TermYears,
            method = r.Method.ToString(),
            tradedAt = Timestamps.Format(r.TradedAt),
            amount = r.Amount.Yuan,
            reference = r.Reference,
            month = r.Month.ToString(),
            sequence = t.Sequence,
            recordedAt = Timestamps.Format(t.RecordedAt),
            recordedBy = t.RecordedBy,
            hash = t.Hash,
            previousHash = t.PreviousHash,
        };
    }

    public static object Allocation(Allocation a) => new
    {
        id = a.Id,
        holder = a.Request.Holder.Value,
        region = a.Request.Market.Region.Value,
        pollutant = a.Request.Market.Pollutant.ToString(),
        quantity = a.Request.Quantity.Tonnes,
        reference = a.Request.Reference,
        recordedAt = Timestamps.Format(a.RecordedAt),
        recordedBy = a.RecordedBy,
        status = a.Revoked is null ? "allocated" : "revoked",
        revoked = a.Revoked is { } r ? new { quantity = r.Quantity.Tonnes, reason = r.Reason, at = Timestamps.Format(r.At), by = r.By } : null,
    };

    /// <summary>A trade proposal as its parties see it, with the trade once it is settled.</summary>
    public static object Proposal(ProposalOutcome o)
    {
        var p = o.Proposal;
        var r = p.Request;
        return new
        {
            id = p.Id,
            status = StateConflict.Name(p.Status),
            proposedBy = r.ProposedBy.Value,
            counterparty = p.Counterparty.Value,
            region = r.Market.Region.Value,
            pollutant = r.Market.Pollutant.ToString(),
            seller = r.Seller.Value,
            buyer = r.Buyer.Value,
            quantity = r.Quantity.Tonnes,
            unitPrice = r.UnitPrice.Yuan,
            termYears = r.TermYears,
            method = r.Method.ToString(),
            amount = r.Amount.Yuan,
            reference = r.Reference,
            createdAt = Timestamps.Format(p.CreatedAt),
            expiresAt = Timestamps.Format(p.ExpiresAt),
            endedAt = p.EndedAt is { } e ? Timestamps.Format(e) : null,
            endedBy = p.EndedBy,
            trade = o.Trade is { } t ? Trade(t) : null,
        };
    }

    /// <summary>A listing; its seller is named only to the seller itself, officials in scope and admin.</summary>
    public static object Listing(Listing l, Principal caller) => new
    {
        id = l.Id,
        status = StateConflict.Name(l.Status),
        region = l.Market.Region.Value,
        pollutant = l.Market.Pollutant.ToString(),
        seller = MarketAccess.MaySeeParty(caller, l.Request.Seller, l.Market) ? l.Request.Seller.Value : null,
        quantity = l.Request.Quantity.Tonnes,
        remaining = l.Remaining.Tonnes,
        unitPrice = l.Request.UnitPrice.Yuan,
        termYears = l.Request.TermYears,
        minLot = l.Request.MinLot.Tonnes,
        createdAt = Timestamps.Format(l.CreatedAt),
        expiresAt = Timestamps.Format(l.ExpiresAt),
        endedAt = l.EndedAt is { } e ? Timestamps.Format(e) : null,
    };

    /// <summary>An auction with its best price and bid count; once settled, its results (bidders named as for listings).</summary>
    public static object Auction(Auction a, IReadOnlyList<Bid> bids, Principal caller) => new
    {
        id = a.Id,
        status = StateConflict.Name(a.Status),
        region = a.Market.Region.Value,
        pollutant = a.Market.Pollutant.ToString(),
        quantity = a.Request.Quantity.Tonnes,
        termYears = a.Request.TermYears,
        startPrice = a.Request.StartPrice.Yuan,
        increment = a.Request.Increment.Yuan,
        minLot = a.Request.MinLot.Tonnes,
        opensAt = Timestamps.Format(a.Request.OpensAt),
        closesAt = Timestamps.Format(a.Request.ClosesAt),
        bestPrice = a.BestPrice?.Yuan,
        bids = a.Bids,
        sold = a.Sold.Tonnes,
        closedAt = a.ClosedAt is { } c ? Timestamps.Format(c) : null,
        results = bids.Where(b => b.Filled is not null).OrderByDescending(b => b.UnitPrice.Fen).ThenBy(b => b.PlacedAt)
            .Select(b => Bid(b, a.Id, MarketAccess.MaySeeParty(caller, b.Bidder, a.Market))).ToList(),
    };

    public static object Bid(Bid b, string auctionId, bool showBidder) => new
    {
        auction = auctionId,
        bidder = showBidder ? b.Bidder.Value : null,
        quantity = b.Quantity.Tonnes,
        unitPrice = b.UnitPrice.Yuan,
        placedAt = Timestamps.Format(b.PlacedAt),
        filled = b.Filled?.Tonnes,
        trade = b.TradeSequence is { } seq ? $"{auctionId[..auctionId.LastIndexOf("-AU", StringComparison.Ordinal)]}-{seq}" : null,
    };

    public static object Application(Trading.Core.Loans.LoanApplication a) => new
    {
        id = a.Id,
        status = StateConflict.Name(a.Status),
        bankId = a.Bank.Value,
        productId = a.ProductId,
        applicant = a.Applicant.Value,
        amount = a.Amount.Yuan,
        purpose = a.Purpose,
        createdAt = Timestamps.Format(a.CreatedAt),
        decidedAt = a.DecidedAt is { } d ? Timestamps.Format(d) : null,
        decidedBy = a.DecidedBy,
        reason = a.Reason,
        loan = a.LoanId,
    };

    public static object Loan(Trading.Core.Loans.Loan l) => new
    {
        id = l.Id,
        status = StateConflict.Name(l.Status),
        bankId = l.Bank.Value,
        borrower = l.Borrower.Value,
        borrowerRegion = l.BorrowerRegion.Value,
        productId = l.ProductId,
        amount = l.Amount.Yuan,
        annualRatePct = l.AnnualRatePct,
        termMonths = l.TermMonths,
        grantedAt = Timestamps.Format(l.GrantedAt),
        month = l.Month.ToString(),
        reference = l.Reference,
        application = l.ApplicationId,
        pledge = l.PledgeId,
        recordedAt = Timestamps.Format(l.RecordedAt),
        recordedBy = l.RecordedBy,
        repaidAt = l.RepaidAt is { } r ? Timestamps.Format(r) : null,
    };

    public static object Pledge(Pledge p) => new
    {
        id = p.Id,
        status = StateConflict.Name(p.Status),
        requestedBy = p.RequestedBy.ToString().ToLowerInvariant(),
        bankId = p.Request.Bank.Value,
        holder = p.Request.Holder.Value,
        region = p.Request.Market.Region.Value,
        pollutant = p.Request.Market.Pollutant.ToString(),
        quantity = p.Request.Quantity.Tonnes,
        loanAmount = p.Request.LoanAmount.Yuan,
        reference = p.Request.Reference,
        createdAt = Timestamps.Format(p.CreatedAt),
        createdBy = p.CreatedBy,
        expiresAt = p.ExpiresAt is { } x ? Timestamps.Format(x) : null,
        activatedAt = p.ActivatedAt is { } a ? Timestamps.Format(a) : null,
        activatedBy = p.ActivatedBy,
        endedAt = p.EndedAt is { } e ? Timestamps.Format(e) : null,
        endedBy = p.EndedBy,
    };

    public static object Holding(MarketHolding h) => new
    {
        region = h.Market.Region.Value,
        pollutant = h.Market.Pollutant.ToString(),
        held = h.Holding.Held.Tonnes,
        pledged = h.Holding.Pledged.Tonnes,
        frozen = h.Holding.Frozen.Tonnes,
        available = h.Holding.Available.Tonnes,
    };

    public static object Page<T>(ListPage<T> page, Func<T, object> view) => new
    {
        items = page.Items.Select(view).ToList(),
        continuationToken = page.ContinuationToken,
    };
}

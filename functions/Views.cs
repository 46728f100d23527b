using System.Globalization;
using Trading.Core.Enterprises;
using Trading.Core.Access;
using Trading.Core.Finance;
using Trading.Core.Market;
using Trading.Core.Ledger;
using Trading.Core.Ledger.UseCases;
using Trading.Core.Primitives;
using Trading.Functions.Hosting;

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
            r.Month.ToString(), t.Sequence, Timestamps.Format(t.RecordedAt), t.RecordedBy, t.Hash, t.PreviousHash);
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

/// <summary>One page of a list: its items and the token of the next page (null on the last).</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string? ContinuationToken);

public sealed record EnterpriseView(
    string CreditCode, string Name, string Region, string Industry, string Grade, [property: SchemaFormat("date")] string? GradeValidUntil,
    bool PositiveList, string CreditRating, [property: SchemaFormat("date-time")] string UpdatedAt);

public sealed record TradeView(
    string Id, string Region, string Pollutant, string Seller, string Buyer, decimal Quantity, decimal UnitPrice, int TermYears, string Method,
    [property: SchemaFormat("date-time")] string TradedAt, decimal Amount, string? Reference, string Month, long Sequence,
    [property: SchemaFormat("date-time")] string RecordedAt, string RecordedBy, string Hash, string PreviousHash);

public sealed record RevocationView(decimal Quantity, string Reason, [property: SchemaFormat("date-time")] string At, string By);

public sealed record AllocationView(
    string Id, string Holder, string Region, string Pollutant, decimal Quantity, string Reference,
    [property: SchemaFormat("date-time")] string RecordedAt, string RecordedBy, string Status, RevocationView? Revoked);

public sealed record ProposalView(
    string Id, string Status, string ProposedBy, string Counterparty, string Region, string Pollutant, string Seller, string Buyer,
    decimal Quantity, decimal UnitPrice, int TermYears, string Method, decimal Amount, string? Reference,
    [property: SchemaFormat("date-time")] string CreatedAt, [property: SchemaFormat("date-time")] string ExpiresAt,
    [property: SchemaFormat("date-time")] string? EndedAt, string? EndedBy, TradeView? Trade);

public sealed record ListingView(
    string Id, string Status, string Region, string Pollutant, string? Seller, decimal Quantity, decimal Remaining, decimal UnitPrice,
    int TermYears, decimal MinLot, [property: SchemaFormat("date-time")] string CreatedAt, [property: SchemaFormat("date-time")] string ExpiresAt,
    [property: SchemaFormat("date-time")] string? EndedAt);

public sealed record AuctionView(
    string Id, string Status, string Region, string Pollutant, decimal Quantity, int TermYears, decimal StartPrice, decimal Increment,
    decimal MinLot, [property: SchemaFormat("date-time")] string OpensAt, [property: SchemaFormat("date-time")] string ClosesAt,
    decimal? BestPrice, long Bids, decimal Sold, [property: SchemaFormat("date-time")] string? ClosedAt, IReadOnlyList<BidView> Results);

public sealed record BidView(
    string Auction, string? Bidder, decimal Quantity, decimal UnitPrice, [property: SchemaFormat("date-time")] string PlacedAt, decimal? Filled,
    string? Trade);

/// <summary>
/// A loan application: <c>pledge</c> is the rights offered (a pledge product; frozen while submitted, <c>id</c> the offer's
/// pledge), <c>loan</c> the granted loan as <c>GET /api/loans/{id}</c> answers it.
/// </summary>
public sealed record ApplicationView(
    string Id, string Status, string BankId, string ProductId, string Applicant, decimal Amount, string? Purpose,
    [property: SchemaFormat("date-time")] string CreatedAt, [property: SchemaFormat("date-time")] string ExpiresAt,
    [property: SchemaFormat("date-time")] string? DecidedAt, string? DecidedBy, string? Reason, LoanView? Loan, OfferedPledgeView? Pledge);

/// <summary>The rights offered in pledge with an application.</summary>
public sealed record OfferedPledgeView(string Region, string Pollutant, decimal Quantity, string? Id);

public sealed record LoanView(
    string Id, string Status, string BankId, string Borrower, string BorrowerRegion, string? ProductId, decimal Amount, decimal AnnualRatePct,
    int TermMonths, [property: SchemaFormat("date-time")] string GrantedAt, string Month, string? Reference, string? Application,
    string? Pledge, [property: SchemaFormat("date-time")] string RecordedAt, string RecordedBy, [property: SchemaFormat("date-time")] string? RepaidAt);

public sealed record PledgeView(
    string Id, string Status, string RequestedBy, string BankId, string Holder, string Region, string Pollutant, decimal Quantity,
    decimal LoanAmount, string? Reference, [property: SchemaFormat("date-time")] string CreatedAt, string CreatedBy,
    [property: SchemaFormat("date-time")] string? ExpiresAt, [property: SchemaFormat("date-time")] string? ActivatedAt, string? ActivatedBy,
    [property: SchemaFormat("date-time")] string? EndedAt, string? EndedBy);

public sealed record HoldingView(string Region, string Pollutant, decimal Held, decimal Pledged, decimal Frozen, decimal Available);

/// <summary>A bank's loan product, as its PUT, GET and list answer it.</summary>
public sealed record ProductView(
    string BankId, string ProductId, string Name, string MinGrade, bool AllowUngraded, string MinCreditRating, bool RequirePositiveList,
    IReadOnlyList<string> Industries, IReadOnlyList<string> Regions, decimal MinAmount, decimal MaxAmount, decimal AnnualRatePct,
    int TermMonths, ProductPledgeView? Pledge, [property: SchemaFormat("date-time")] string UpdatedAt);

public sealed record ProductPledgeView(IReadOnlyList<string> Pollutants, decimal LoanToValue);

/// <summary>Trades, quantity (t/a) and amount (CNY) of some period.</summary>
public sealed record FiguresTotalsView(long Trades, decimal Quantity, decimal Amount);

/// <summary>Change against a base period; percentages to one decimal, null on a zero base.</summary>
public sealed record FiguresChangeView(long TradesDelta, decimal? TradesPct, decimal AmountDelta, decimal? AmountPct);

public sealed record PollutantFiguresView(string Pollutant, long Trades, decimal Quantity, decimal Amount);

public sealed record MonthFiguresView(string Month, long Trades, decimal Amount, FiguresTotalsView PreviousYear, FiguresChangeView Yoy);

/// <summary>
/// A region's figures over a range (<c>aggregates/period</c>) or one month (<c>aggregates/monthly</c>, which adds
/// <c>month</c>, <c>previousMonth</c> and <c>mom</c>; the period leaves them out).
/// </summary>
public sealed record FiguresView(
    string Region,
    [property: Newtonsoft.Json.JsonProperty(NullValueHandling = Newtonsoft.Json.NullValueHandling.Ignore)] string? Month,
    string From, string To, bool Closed, long Trades, decimal Quantity, decimal Amount, IReadOnlyList<PollutantFiguresView> ByPollutant,
    FiguresTotalsView PreviousYear, FiguresChangeView Yoy,
    [property: Newtonsoft.Json.JsonProperty(NullValueHandling = Newtonsoft.Json.NullValueHandling.Ignore)] FiguresTotalsView? PreviousMonth,
    [property: Newtonsoft.Json.JsonProperty(NullValueHandling = Newtonsoft.Json.NullValueHandling.Ignore)] FiguresChangeView? Mom,
    IReadOnlyList<MonthFiguresView> Months, string Summary);

public sealed record LoanTotalsView(long Firms, long Loans, decimal Amount);

public sealed record BankLoansView(string BankId, long Firms, long Loans, decimal Amount);

public sealed record LoanChangeView(long FirmsDelta, decimal? FirmsPct, long LoansDelta, decimal? LoansPct, decimal AmountDelta, decimal? AmountPct);

/// <summary>Green loans granted to a region's firms over a range of months (<c>aggregates/loans</c>), with the year before.</summary>
public sealed record LoanFiguresView(string Region, string From, string To, long Firms, long Loans, decimal Amount, IReadOnlyList<BankLoansView> ByBank,
    LoanTotalsView PreviousYear, LoanChangeView Yoy, string Summary);

public sealed record EligibleFirmView(string CreditCode, string Name, string Region, string Industry, string Grade, string CreditRating, bool PositiveList, decimal Limit);

/// <summary>The firms eligible for a product, best grade first, then the largest limit, as of the last refresh of its matches.</summary>
public sealed record EligibleFirmsView([property: SchemaFormat("date-time")] string? AsOf, IReadOnlyList<EligibleFirmView> Items, string? ContinuationToken);

/// <summary>One firm against one product, evaluated now: the limit, or the reasons it is not eligible.</summary>
public sealed record EligibilityView(bool Eligible, decimal? Limit, IReadOnlyList<string> Reasons, IReadOnlyList<string> Notes, string GradeInForce,
    [property: SchemaFormat("date-time")] string AsOf);

public sealed record EligibleProductView(string BankId, string ProductId, string Name, decimal AnnualRatePct, int TermMonths, bool Pledge, decimal Limit,
    [property: SchemaFormat("date-time")] string AsOf);

public sealed record ImportStartedView(string Id, string Status, long Rows);

public sealed record ImportRowErrorView(long Row, string Field, string Message);

/// <summary>An import's progress: rows done so far, created, updated, unchanged and failed, with each failed row's error.</summary>
public sealed record ImportView(string Id, string Status, long Rows, long Done, long Created, long Updated, long Unchanged, long Failed, IReadOnlyList<ImportRowErrorView> Errors);

/// <summary>A closed auction as its bidder sees it, with that bidder's own result (filled quantity and trade, or none).</summary>
public sealed record AuctionResultView(AuctionView Auction, BidView Bid);

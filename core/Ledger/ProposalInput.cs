using Trading.Core.Primitives;

namespace Trading.Core.Ledger;

/// <summary>The body of <c>POST /api/trade-proposals</c>: the trade's terms without <c>tradedAt</c>, and an optional <c>expiresAt</c>.</summary>
public sealed class ProposalInput : TradeTermsInput
{
    public string? ExpiresAt { get; set; }

    /// <summary>
    /// Formats (400), then the rules (422): those of a trade, an enterprise proposing as seller or buyer and never for
    /// the reserve, an agreement (listings and auctions have their own endpoints), and an expiry after now and at most
    /// 30 days ahead.
    /// </summary>
    public ProposalRequest Validate(Holder proposer, DateTimeOffset now)
    {
        var errors = new FieldErrors();
        var terms = ParseTerms(errors);
        DateTimeOffset? expiresAt = null;
        if (ExpiresAt is not null)
        {
            if (Timestamps.TryParse(ExpiresAt, out var e, out var eError)) expiresAt = e;
            else errors.Add("expiresAt", eError);
        }
        errors.ThrowIfAny();

        var amount = CheckTerms(terms);
        if (terms.Seller.IsReserve)
            throw new RuleViolationException("The reserve is sold by officials only (POST /api/trades, listings or auctions), never by proposal.");
        if (terms.Method != TradeMethod.Agreement)
            throw new RuleViolationException($"A proposal is an Agreement; a {terms.Method} trade has its own endpoint.");
        if (proposer != terms.Seller && proposer != terms.Buyer)
            throw new ForbiddenException("An enterprise proposes only trades in which it is the seller or the buyer.");
        if (expiresAt is { } at && (at <= now || at > now + ProposalRequest.MaxLifetime))
            throw new RuleViolationException("expiresAt must be after now and at most 30 days ahead.");
        return new ProposalRequest(terms.Market, terms.Seller, terms.Buyer, terms.Quantity, terms.UnitPrice, terms.TermYears, terms.Method,
            amount, terms.Reference, proposer, expiresAt);
    }
}

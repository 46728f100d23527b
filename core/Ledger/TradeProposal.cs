using Trading.Core.Primitives;
using Trading.Core.Writes;

namespace Trading.Core.Ledger;

/// <summary>
/// A trade proposed by one enterprise and waiting for the other's confirmation. While it is open and the proposer is
/// the seller, its quantity is frozen in the seller's holding. The trade is recorded only on confirmation, dated then.
/// </summary>
public sealed record TradeProposal(
    long Number,
    ProposalRequest Request,
    ProposalStatus Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt,
    DateTimeOffset? EndedAt = null,
    string? EndedBy = null,
    long? TradeSequence = null) : IRow
{
    public TResult Accept<TResult>(IRowVisitor<TResult> visitor) => visitor.Visit(this);

    public MarketId Market => Request.Market;
    public string Id => IdOf(Market, Number);
    public Holder ProposedBy => Request.ProposedBy;
    public Holder Counterparty => ProposedBy == Request.Seller ? Request.Buyer : Request.Seller;

    /// <summary>A seller's proposal holds its quantity back while it is open.</summary>
    public bool Freezes => ProposedBy == Request.Seller;

    public bool IsParty(Holder holder) => holder == Request.Seller || holder == Request.Buyer;

    public bool IsPastExpiry(DateTimeOffset now) => now >= ExpiresAt;

    public static string IdOf(MarketId market, long number) => $"{market.Key}-TP{number}";

    public static bool TryParseId(string? text, out MarketId market, out long number) => OfferIds.TryParse(text, "-TP", out market, out number);
}

using Trading.Core.Access;
using Trading.Core.Ledger;
using Trading.Core.Primitives;
using Trading.Core.Writes;

namespace Trading.Core.Finance;

/// <summary>
/// A pledge (质押) of rights to a bank. While active, its quantity is pledged: still held, not available to sell, offer
/// or pledge again. A holding may carry several active pledges, to one bank or several, while they fit in what it holds.
/// </summary>
public sealed record Pledge(
    long Number,
    PledgeRequest Request,
    PledgeParty RequestedBy,
    PledgeStatus Status,
    DateTimeOffset CreatedAt,
    string CreatedBy,
    DateTimeOffset? ExpiresAt,
    DateTimeOffset? ActivatedAt = null,
    string? ActivatedBy = null,
    DateTimeOffset? EndedAt = null,
    string? EndedBy = null) : IRow
{
    public TResult Accept<TResult>(IRowVisitor<TResult> visitor) => visitor.Visit(this);

    public MarketId Market => Request.Market;
    public string Id => IdOf(Market, Number);

    /// <summary>The side that must accept a request: the holder for a bank's request, the bank for the holder's.</summary>
    public PledgeParty Acceptor => RequestedBy == PledgeParty.Bank ? PledgeParty.Holder : PledgeParty.Bank;

    public bool IsPastExpiry(DateTimeOffset now) => ExpiresAt is { } at && now >= at;

    /// <summary>Which side of this pledge the caller is: its bank, its holder, or neither (null).</summary>
    public PledgeParty? SideOf(Principal caller) => caller.Role switch
    {
        Role.Bank when caller.Subject == Request.Bank.Value => PledgeParty.Bank,
        Role.Enterprise when caller.Subject == Request.Holder.Value => PledgeParty.Holder,
        _ => null,
    };

    public static string IdOf(MarketId market, long number) => $"{market.Key}-P{number}";

    public static bool TryParseId(string? text, out MarketId market, out long number) => OfferIds.TryParse(text, "-P", out market, out number);
}

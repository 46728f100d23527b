using Trading.Core.Access;
using Trading.Core.Primitives;
using Trading.Core.Writes;

namespace Trading.Core.Loans;

/// <summary>
/// A firm's application for one of a bank's green-loan products, with the bank's decision once made. For a pledge product
/// it names the rights offered (<see cref="Offer"/>); the bank lends at most <see cref="Amount"/> and takes at most the
/// offered quantity. <see cref="OfferEnded"/>: the offer no longer freezes anything (it became the loan's pledge, or was released).
/// </summary>
public sealed record LoanApplication(
    BankId Bank,
    long Number,
    string ProductId,
    CreditCode Applicant,
    Money Amount,
    string? Purpose,
    ApplicationStatus Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset? DecidedAt = null,
    string? DecidedBy = null,
    string? Reason = null,
    string? LoanId = null,
    PledgeOffer? Offer = null,
    LoanApproval? Approval = null,
    bool OfferEnded = false) : IRow
{
    public TResult Accept<TResult>(IRowVisitor<TResult> visitor) => visitor.Visit(this);

    /// <summary>An application not decided within this time after submission expires (its offer is released).</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(30);

    public string Id => IdOf(Bank, Number);

    public DateTimeOffset ExpiresAt => CreatedAt + Lifetime;

    public bool IsPastExpiry(DateTimeOffset now) => now >= ExpiresAt;

    /// <summary>
    /// True while the loan process has a step left to do on it (the <c>ExpireProposals</c> finisher looks for these): a
    /// submission or an approval half-way, or an ended application whose frozen offer is not yet released.
    /// </summary>
    public bool Pending => Status is ApplicationStatus.Submitting or ApplicationStatus.Approving
        || (Status is ApplicationStatus.Declined or ApplicationStatus.Withdrawn or ApplicationStatus.Expired && Offer?.Pledge is not null && !OfferEnded);

    public static string IdOf(BankId bank, long number) => $"{bank.Value}-LA{number}";

    public static bool TryParseId(string? text, out BankId bank, out long number) => BankIds.TryParse(text, "-LA", out bank, out number);
}

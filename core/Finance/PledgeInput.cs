using Trading.Core.Ledger;
using Trading.Core.Primitives;

namespace Trading.Core.Finance;

/// <summary>The body of <c>POST /api/pledges</c> as read from JSON, before validation.</summary>
public sealed class PledgeInput
{
    public string? BankId { get; set; }
    public string? Holder { get; set; }
    public string? Region { get; set; }
    public string? Pollutant { get; set; }
    public decimal? Quantity { get; set; }
    public decimal? LoanAmount { get; set; }
    public string? Reference { get; set; }
    public string? ExpiresAt { get; set; }

    public PledgeRequest Validate(DateTimeOffset now)
    {
        var errors = new FieldErrors();
        if (!Access.BankId.TryParse(BankId, out var bank, out var bankError)) errors.Add("bankId", bankError);
        if (!CreditCode.TryParse(Holder, out var holder, out var holderError)) errors.Add("holder", holderError);
        if (!RegionCode.TryParse(Region, out var region, out var regionError)) errors.Add("region", regionError);
        if (!Pollutants.TryParse(Pollutant, out var pollutant)) errors.Add("pollutant", $"must be one of {Pollutants.Names}");
        var quantity = Primitives.Quantity.Zero;
        if (Quantity is null) errors.Add("quantity", "is required");
        else if (!Primitives.Quantity.TryFromTonnes(Quantity.Value, out quantity, out var qError)) errors.Add("quantity", qError);
        var loan = Money.Zero;
        if (LoanAmount is null) errors.Add("loanAmount", "is required");
        else if (!Money.TryFromYuan(LoanAmount.Value, allowZero: false, out loan, out var lError)) errors.Add("loanAmount", lError);
        var reference = Reference?.Trim();
        if (reference is { Length: > 200 }) errors.Add("reference", "has at most 200 characters");
        DateTimeOffset? expiresAt = null;
        if (ExpiresAt is not null)
        {
            if (Timestamps.TryParse(ExpiresAt, out var e, out var eError)) expiresAt = e;
            else errors.Add("expiresAt", eError);
        }
        errors.ThrowIfAny();
        if (expiresAt is { } at && (at <= now || at > now + PledgeRequest.MaxLifetime))
            throw new RuleViolationException("expiresAt must be after now and at most 30 days ahead.");
        return new PledgeRequest(bank, new MarketId(region, pollutant), Ledger.Holder.Of(holder), quantity, loan,
            string.IsNullOrEmpty(reference) ? null : reference, expiresAt);
    }
}

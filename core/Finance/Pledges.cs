using Trading.Core.Access;
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

    public PledgeRequest Validate()
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
        errors.ThrowIfAny();
        return new PledgeRequest(bank, new MarketId(region, pollutant), Ledger.Holder.Of(holder), quantity, loan, string.IsNullOrEmpty(reference) ? null : reference);
    }
}

public sealed record PledgeRequest(BankId Bank, MarketId Market, Holder Holder, Quantity Quantity, Money LoanAmount, string? Reference);

public enum PledgeStatus
{
    Active,
    Released,
}

/// <summary>A pledge (质押) of rights to a bank: while active, its quantity is pledged and cannot be sold or pledged again.</summary>
public sealed record Pledge(string Id, long Number, PledgeRequest Request, PledgeStatus Status, DateTimeOffset PledgedAt, string PledgedBy,
    DateTimeOffset? ReleasedAt, string? ReleasedBy);

/// <summary>The pledge rules, pure.</summary>
public static class Pledging
{
    /// <summary>
    /// Pledges part of a holding: the holding carries no other active pledge (409), and the quantity is at most what is
    /// available, held − pledged − frozen (409 with <c>available</c>).
    /// </summary>
    public static (Pledge Pledge, MarketHead Head, Holding Holding) Pledge(PledgeRequest request, MarketHead head, Holding holding, DateTimeOffset now, string by)
    {
        if (holding.ActivePledge is { } active)
            throw new ConflictException($"The holding of {request.Holder} in {request.Market} already carries pledge {active}; a right carries one pledge at a time.",
                "The rights are already pledged.");
        if (holding.Available < request.Quantity)
            throw Oversell.Exception(request.Holder, request.Market, holding.Available, request.Quantity, "pledge");
        var number = checked(head.PledgeCount + 1);
        var pledge = new Pledge($"{request.Market.Key}-P{number}", number, request, PledgeStatus.Active, now, by, null, null);
        return (pledge, head with { PledgeCount = number },
            holding with { Pledged = holding.Pledged.Add(request.Quantity), ActivePledge = pledge.Id });
    }

    /// <summary>Releases an active pledge: its quantity is available again. Releasing twice is a conflict (409).</summary>
    public static (Pledge Pledge, Holding Holding) Release(Pledge pledge, Holding holding, DateTimeOffset now, string by)
    {
        if (pledge.Status != PledgeStatus.Active)
            throw new ConflictException($"Pledge {pledge.Id} was released on {Timestamps.Format(pledge.ReleasedAt!.Value)}.", "The pledge is already released.");
        if (holding.ActivePledge != pledge.Id) throw new InvalidOperationException($"holding does not carry pledge {pledge.Id}");
        return (pledge with { Status = PledgeStatus.Released, ReleasedAt = now, ReleasedBy = by },
            holding with { Pledged = holding.Pledged.Subtract(pledge.Request.Quantity), ActivePledge = null });
    }

    public static bool TryParseId(string? text, out MarketId market, out long number)
    {
        market = default;
        number = 0;
        if (text is null) return false;
        var at = text.LastIndexOf("-P", StringComparison.Ordinal);
        if (at <= 0 || !long.TryParse(text.AsSpan(at + 2), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out number) || number <= 0)
            return false;
        if (!MarketId.TryParse(text[..at], out var m)) return false;
        market = m.Value;
        return $"{market.Key}-P{number}" == text;
    }
}

using Trading.Core.Access;
using Trading.Core.Finance;
using Trading.Core.Ledger;
using Trading.Core.Primitives;
using Text = Trading.Core.Finance.Text;

namespace Trading.Core.Loans.UseCases;

/// <summary>
/// A firm applies for a product: accepted only when it is eligible now and asks an amount within the product's range and
/// its limit; otherwise 422 with the reasons. <paramref name="Eligibility"/> is the evaluation of this product for this
/// firm at the time of the request. For a pledge product the firm names the rights it offers (<paramref name="Offer"/>,
/// required; 400 for another product): in a pollutant the product takes, at least what the amount needs at the product's
/// loan-to-value (422 with <c>needed</c>), available (409 with <c>available</c>). Such an application is recorded
/// <c>submitting</c>: the loan process then freezes the offer and submits it (<see cref="LoanGrant"/>).
/// </summary>
public sealed record SubmitApplication(LoanProduct Product, CreditCode Applicant, Money Amount, string? Purpose, EligibilityResult Eligibility,
    OfferedRights? Offer = null)
    : IBankUseCase<LoanApplication>
{
    public BankId Bank => Product.Bank;
    public string Action => "application.submitted";
    public string? Fingerprint => Hashing.Sha256Hex(string.Join('\n', "application", Product.Key, Applicant.Value, Amount.Fen, Purpose ?? "",
        Offer is { } o ? $"{o.Market.Key}:{o.Quantity.Grams}" : ""));
    public BankReads Reads => BankReads.HeadOnly;

    public Decision<LoanApplication> Decide(BankSnapshot snapshot, UseCaseContext context)
    {
        if (!context.Caller.IsEnterprise(Applicant)) throw new ForbiddenException("An enterprise applies for itself only.");
        if (Product.Pledge is null && Offer is not null)
            throw ValidationException.For("pledge", $"is only for a pledge product; {Product.Key} takes no pledge");
        var reasons = Eligibility.Reasons.ToList();
        if (reasons.Count == 0 && Amount < Product.MinAmount)
            reasons.Add($"the amount {Text.Yuan(Amount)} CNY is below the product's minimum of {Text.Yuan(Product.MinAmount)} CNY");
        if (reasons.Count == 0 && Eligibility.Limit is { } limit && Amount > limit)
            reasons.Add($"the amount {Text.Yuan(Amount)} CNY is above the firm's limit of {Text.Yuan(limit)} CNY for this product");
        if (reasons.Count > 0)
        {
            var ex = new RuleViolationException($"{Applicant} cannot apply for {Product.Key}: {string.Join("; ", reasons)}.", "Not eligible.");
            ex.Extensions["reasons"] = reasons;
            throw ex;
        }
        if (Product.Pledge is { } terms) CheckOffer(terms);
        var head = snapshot.Head;
        var number = checked(head.Value.Applications + 1);
        var application = new LoanApplication(Bank, number, Product.ProductId, Applicant, Amount, Purpose,
            Offer is null ? ApplicationStatus.Submitted : ApplicationStatus.Submitting, context.Now,
            Offer: Offer is { } o ? new PledgeOffer(o.Market, o.Quantity) : null);
        return new Decision<LoanApplication>(application, [RowChange.New(application), RowChange.Of(head, head.Value with { Applications = number })], null,
            [new AuditEntry(Action, application.Id)])
        {
            ResourceId = application.Id,
            // A pledge application is shown to its bank once its offer is frozen (AdvanceApplication), not while it is submitting.
            Events = application.Status == ApplicationStatus.Submitted
                ? Writes.EventTypes.To(Writes.EventTypes.ApplicationSubmitted, new ApplicationOutcome(application, null), Writes.EventRecipient.Of(Bank))
                : [],
        };
    }

    private void CheckOffer(PledgeTerms terms)
    {
        if (Offer is not { } offer)
            throw new RuleViolationException($"{Product.Key} is a pledge loan: the application names the rights offered (pledge: region, pollutant, quantity).",
                "The pledge offered is missing.");
        if (!terms.Pollutants.Contains(offer.Market.Pollutant))
            throw new RuleViolationException($"{Product.Key} takes pledges of {string.Join(", ", terms.Pollutants)} only, not {offer.Market.Pollutant}.");
        if (offer.Price is not { } price)
            throw new RuleViolationException($"The rights in {offer.Market} cannot be valued (no price: a price needs at least 3 in-band trades by at least 2 different sellers in the last 12 months), so they cannot secure this loan.");
        var needed = PledgeSizing.Needed(Amount, price, Product);
        if (offer.Quantity < needed)
        {
            var ex = new RuleViolationException(
                $"A loan of {Text.Yuan(Amount)} CNY under {Product.Key} needs at least {needed.Tonnes} t/a of {offer.Market.Pollutant} in {offer.Market.Region} in pledge; {offer.Quantity.Tonnes} t/a are offered.",
                "The rights offered do not cover the amount.");
            ex.Extensions["needed"] = needed.Tonnes;
            throw ex;
        }
        if (offer.Available < offer.Quantity) throw Oversell.Exception(Ledger.Holder.Of(Applicant), offer.Market, offer.Available, offer.Quantity, "offer in pledge");
    }
}

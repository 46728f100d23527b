using Trading.Core.Finance;
using Trading.Core.Ledger;
using Trading.Core.Primitives;

namespace Trading.Core.Loans.UseCases;

/// <summary>
/// Submission, market step: the rights a firm offers with its application are frozen as an <c>Offered</c> pledge naming
/// the application (still held, not available, not pledged). When they are no longer available the outcome is recorded
/// all the same, as a <c>cancelled</c> offer that freezes nothing, so that every later run of this step (a retry, the
/// finisher) reads the same outcome and the application is made void, never submitted without its rights. Keyed by the
/// application (run under <see cref="Key"/>): it happens once.
/// </summary>
public sealed record OfferPledge(LoanApplication Application) : IMarketUseCase<Pledge>
{
    public MarketId Market => Offer.Market;
    public string Action => "pledge.offered";
    public string? Fingerprint => Hashing.Sha256Hex("loan-offer\n" + Application.Id);
    private PledgeOffer Offer => Application.Offer ?? throw new InvalidOperationException($"{Application.Id} offers no pledge");
    private Holder Holder => Ledger.Holder.Of(Application.Applicant);

    /// <summary>The idempotency key this step runs under, whoever runs it.</summary>
    public static string Key(LoanApplication application) => "loan-offer:" + application.Id;

    public MarketReads Reads(MarketSnapshot? loaded, UseCaseContext context) => new() { Holders = [Holder] };

    public Decision<Pledge> Decide(MarketSnapshot snapshot, UseCaseContext context)
    {
        if (!context.Caller.IsEnterprise(Application.Applicant) && context.Caller.Role != Access.Role.Admin)
            throw new ForbiddenException("A loan application's rights are offered by the applicant only.");
        var head = snapshot.Head.Value;
        var number = checked(head.PledgeCount + 1);
        var holding = snapshot.Holding(Holder);
        var request = new PledgeRequest(Application.Bank, Market, Holder, Offer.Quantity, Application.Amount, Application.Id);
        var changes = new List<RowChange>();
        Pledge pledge;
        if (holding.Value.Available >= Offer.Quantity)
        {
            pledge = new Pledge(number, request, PledgeParty.Loan, PledgeStatus.Offered, context.Now, context.Caller.Id, null);
            changes.Add(RowChange.Of(holding, holding.Value.Freeze(Market, Offer.Quantity, "offer in pledge")));
        }
        else
        {
            pledge = new Pledge(number, request, PledgeParty.Loan, PledgeStatus.Cancelled, context.Now, context.Caller.Id, null,
                EndedAt: context.Now, EndedBy: context.Caller.Id);
        }
        changes.Insert(0, RowChange.New(pledge));
        var action = pledge.Status == PledgeStatus.Offered ? Action : "pledge.offer-unavailable";
        return new Decision<Pledge>(pledge, changes, head with { PledgeCount = number }, [new AuditEntry(action, pledge.Id)]) { ResourceId = pledge.Id };
    }
}

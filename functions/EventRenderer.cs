using Trading.Core;
using Trading.Core.Access;
using Trading.Core.Finance;
using Trading.Core.Ledger;
using Trading.Core.Ledger.UseCases;
using Trading.Core.Loans;
using Trading.Core.Market;
using Trading.Core.Primitives;
using Trading.Core.Writes;
using Trading.Infra;

namespace Trading.Functions;

/// <summary>
/// The data of an event: the resource as its GET answers it for the event's recipient (the same views, so a name is shown
/// only where that GET shows it: a listing's seller; an auction's notice carries the bidder's own result only).
/// </summary>
public sealed class EventRenderer : IEventRenderer
{
    public string Render(EventEntry entry)
    {
        var recipient = Principal.TryCreate(RoleOf(entry.Recipient), EventRecipient.SubjectOf(entry.Recipient), new FieldErrors())
                        ?? throw new InvalidOperationException($"{entry.Recipient} names no principal");
        return TradingJson.Serialize(View(entry.Resource, recipient));
    }

    private static object View(object resource, Principal recipient) => resource switch
    {
        ProposalOutcome o => Views.Proposal(o),
        Trade t => Views.Trade(t),
        Pledge p => Views.Pledge(p),
        Listing l => Views.Listing(l, recipient),
        // The auction with the bidder's own result only: each notice is a row of the closing commit, and a row holds at
        // most 64 KiB, so the other winners' results (the auction's GET shows them) would not fit an auction of many.
        AuctionResult r => new AuctionResultView(Views.Auction(r.Auction, [r.Bid], recipient), Views.Bid(r.Bid, r.Auction.Id, showBidder: true)),
        Allocation a => Views.Allocation(a),
        ApplicationOutcome a => Views.Application(a.Application, a.Loan),
        Core.Alerts.AlertNotice n => AlertViews.Enterprise(n, n.At),
        _ => throw new InvalidOperationException($"no view of a {resource.GetType().Name} for an event"),
    };

    private static string RoleOf(string recipient) => recipient.IndexOf(':') is var i and >= 0 ? recipient[..i] : recipient;
}

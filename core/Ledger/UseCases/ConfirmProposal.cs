using Trading.Core.Market;
using Trading.Core.Primitives;

namespace Trading.Core.Ledger.UseCases;

/// <summary>
/// The counterparty confirms a proposal: the trade is recorded now, dated now. A seller confirming a buyer's proposal
/// must have the quantity available then. Confirming again answers the settled proposal; a proposal past its expiry is
/// ended and the confirmation refused (409 <c>expired</c>). The agreed price must still lie within ±30 % of the market's
/// reference price now (422 with <c>referencePrice</c> and <c>band</c>; nothing is written and the proposal stays open).
/// </summary>
public sealed record ConfirmProposal(MarketId Market, long Number) : IMarketUseCase<ProposalOutcome>
{
    public string Action => "proposal.settled";

    public MarketReads Reads(MarketSnapshot? loaded, UseCaseContext context)
    {
        var reads = ProposalRules.Reads(Number, loaded);
        if (loaded?.Proposals.GetValueOrDefault(Number) is not { Exists: true } row) return reads;
        var p = row.Value;
        return reads.Union(Settlement.Reads(p.Request.Seller, p.Request.Buyer, context.Now, context.Now)) with
        {
            Trades = p.TradeSequence is { } seq ? [seq] : [],
        };
    }

    public Decision<ProposalOutcome> Decide(MarketSnapshot snapshot, UseCaseContext context)
    {
        var row = ProposalRules.Find(snapshot, Market, Number, context.Caller);
        var p = row.Value;
        if (Access.LedgerAccess.PartyOf(context.Caller, p) != p.Counterparty && context.Caller.Role != Access.Role.Admin)
            throw new ForbiddenException($"Only the counterparty ({p.Counterparty}) confirms trade proposal {p.Id}.");
        if (p.Status == ProposalStatus.Settled) return Decision<ProposalOutcome>.Unchanged(new ProposalOutcome(p, snapshot.Trades[p.TradeSequence!.Value]));
        if (p.Status != ProposalStatus.Proposed) throw StateConflict.Exception($"Trade proposal {p.Id}", StateConflict.Name(p.Status), "confirmed");
        if (p.IsPastExpiry(context.Now)) return ProposalRules.ExpireAndRefuse(snapshot, row, context, "confirmed");

        var r = p.Request;
        ReferencePrice.RequireInBand(r.UnitPrice, ReferencePrice.From(snapshot.PriceDays!, context.Now));
        var trade = new TradeRequest(Market, r.Seller, r.Buyer, r.Quantity, r.UnitPrice, r.TermYears, r.Method, context.Now, r.Amount,
            r.Reference ?? p.Id);
        var settled = Settlement.Settle(trade, snapshot, snapshot.Head.Value, context.Now, context.Caller.Id,
            p.Freezes ? r.Quantity : Quantity.Zero);
        var done = p with { Status = ProposalStatus.Settled, EndedAt = context.Now, EndedBy = context.Caller.Id, TradeSequence = settled.Trade.Sequence };
        // The seller's holding is written once: Settle already took what this proposal had frozen.
        return new Decision<ProposalOutcome>(new ProposalOutcome(done, settled.Trade), [RowChange.Of(row, done), .. settled.Changes], settled.Head,
            [new AuditEntry(Action, p.Id), new AuditEntry("trade.recorded", settled.Trade.Id.ToString())]) { Events = settled.Events };
    }
}

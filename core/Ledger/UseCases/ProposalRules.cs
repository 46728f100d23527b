using Trading.Core.Access;
using Trading.Core.Primitives;

namespace Trading.Core.Ledger.UseCases;

/// <summary>What every state change of a proposal shares: finding it in scope, and ending it (returning what it froze).</summary>
public static class ProposalRules
{
    /// <summary>The rows a proposal's state change needs: the proposal, then its seller's holding when it froze there.</summary>
    public static MarketReads Reads(long number, MarketSnapshot? loaded)
    {
        var reads = new MarketReads { Proposals = [number] };
        return loaded?.Proposals.GetValueOrDefault(number) is { Exists: true } p && p.Value.Freezes
            ? reads with { Holders = [p.Value.Request.Seller] }
            : reads;
    }

    /// <summary>The proposal, or 404 when it does not exist or the caller may not see it (its existence does not leak).</summary>
    public static Versioned<TradeProposal> Find(MarketSnapshot snapshot, MarketId market, long number, Principal caller)
    {
        var row = snapshot.Proposals.GetValueOrDefault(number);
        if (row is not { Exists: true } || !LedgerAccess.MaySee(caller, row.Value))
            throw new NotFoundException($"No trade proposal {TradeProposal.IdOf(market, number)} in your scope.");
        return row;
    }

    /// <summary>Ends an open proposal with <paramref name="status"/>; what it froze is available again.</summary>
    public static List<RowChange> End(MarketSnapshot snapshot, Versioned<TradeProposal> row, ProposalStatus status, UseCaseContext context,
        out TradeProposal ended)
    {
        var p = row.Value;
        ended = p with { Status = status, EndedAt = context.Now, EndedBy = context.Caller.Id };
        var changes = new List<RowChange> { RowChange.Of(row, ended) };
        if (p.Freezes)
        {
            var seller = snapshot.Holding(p.Request.Seller);
            changes.Add(RowChange.Of(seller, seller.Value.Unfreeze(p.Request.Quantity)));
        }
        return changes;
    }

    /// <summary>
    /// An open proposal past its expiry is ended as expired (its quantity freed) and the state change refused with 409
    /// <c>state: "expired"</c>, in one step: the expiry commits even though the request is refused.
    /// </summary>
    public static Decision<ProposalOutcome> ExpireAndRefuse(MarketSnapshot snapshot, Versioned<TradeProposal> row, UseCaseContext context, string wanted)
    {
        var changes = End(snapshot, row, ProposalStatus.Expired, context, out var expired);
        return new Decision<ProposalOutcome>(new ProposalOutcome(expired, null), changes, null, [new AuditEntry("proposal.expired", expired.Id)])
        {
            Refusal = StateConflict.Exception($"Trade proposal {expired.Id}", "expired", wanted),
        };
    }
}

using Trading.Core.Access;
using Trading.Core.Finance;
using Trading.Core.Primitives;

namespace Trading.Core.Ledger.UseCases;

/// <summary>What every state change of a pledge shares: finding it in scope, and the holding it binds.</summary>
public static class PledgeRules
{
    public static MarketReads Reads(long number, MarketSnapshot? loaded)
    {
        var reads = new MarketReads { Pledges = [number] };
        return loaded?.Pledges.GetValueOrDefault(number) is { Exists: true } p ? reads with { Holders = [p.Value.Request.Holder] } : reads;
    }

    /// <summary>The pledge, or 404 when it does not exist or the caller may not see it.</summary>
    public static Versioned<Pledge> Find(MarketSnapshot snapshot, MarketId market, long number, Principal caller)
    {
        var row = snapshot.Pledges.GetValueOrDefault(number);
        if (row is not { Exists: true } || !LedgerAccess.MaySee(caller, row.Value))
            throw new NotFoundException($"No pledge {Pledge.IdOf(market, number)} in your scope.");
        return row;
    }

    public static ConflictException State(Pledge p, string wanted) => StateConflict.Exception($"Pledge {p.Id}", StateConflict.Name(p.Status), wanted);
}

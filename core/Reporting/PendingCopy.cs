using Trading.Core.Primitives;

namespace Trading.Core.Reporting;

/// <summary>
/// One market-month as a rollup holds it (<paramref name="Copied"/>) and as its counter stands (<paramref name="Counter"/>):
/// copying it adds <see cref="Delta"/> to the rollup and records the counter as copied, in one transaction, so a copy
/// done twice adds nothing the second time.
/// </summary>
public sealed record PendingCopy(MarketId Market, ReportingMonth Month, Totals Copied, Totals Counter)
{
    public Totals Delta => Counter.Minus(Copied);
}

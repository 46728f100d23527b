using Trading.Core.Access;
using Trading.Core.Ledger;
using Trading.Core.Ledger.UseCases;
using Trading.Core.Primitives;

namespace Trading.Infra;

/// <summary>
/// The <c>ExpireProposals</c> timer: in every market, ends the open proposals and pledge requests past their expiry
/// (returning what they froze), in batches, each one use case through the writer. Idempotent: a second run ends nothing.
/// </summary>
public sealed class OfferExpiry(TableLedger ledger, MarketWriter writer, TimeProvider time)
{
    public async Task<IReadOnlyList<string>> ExpireAllAsync(CancellationToken ct)
    {
        var markets = await ledger.MarketsAsync(RegionPrefix.All, ct);
        var ended = await Bounded.SelectAsync(markets, m => ExpireMarketAsync(m, ct), 8, ct);
        var total = ended.Sum();
        return [total == 0 ? "No offer had expired." : $"Ended {total} expired offer(s) in {ended.Count(n => n > 0)} market(s)."];
    }

    public async Task<int> ExpireMarketAsync(MarketId market, CancellationToken ct)
    {
        var (proposals, pledges) = await ledger.ExpiredOffersAsync(market, time.GetUtcNow(), ct);
        var total = 0;
        foreach (var batch in proposals.Select(n => (Proposal: true, n)).Concat(pledges.Select(n => (Proposal: false, n))).Chunk(ExpireOffers.MaxPerBatch))
        {
            var useCase = new ExpireOffers(market, batch.Where(b => b.Proposal).Select(b => b.n).ToList(), batch.Where(b => !b.Proposal).Select(b => b.n).ToList());
            var outcome = await writer.ExecuteAsync(useCase, Principal.Admin, null, n => n.ToString(System.Globalization.CultureInfo.InvariantCulture), null, ct);
            total += outcome.Answer;
        }
        return total;
    }
}

using Trading.Core.Access;
using Trading.Core.Ledger;
using Trading.Core.Ledger.UseCases;
using Trading.Core.Primitives;

namespace Trading.Infra;

/// <summary>
/// The <c>ExpireProposals</c> timer: in every market, ends the open proposals, pledge requests and listings past their expiry
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
        var (proposals, pledges, listings) = await ledger.ExpiredOffersAsync(market, time.GetUtcNow(), ct);
        var total = 0;
        var offers = proposals.Select(n => (Kind: 0, n)).Concat(pledges.Select(n => (Kind: 1, n))).Concat(listings.Select(n => (Kind: 2, n)));
        foreach (var batch in offers.Chunk(ExpireOffers.MaxPerBatch))
        {
            List<long> Of(int kind) => batch.Where(b => b.Kind == kind).Select(b => b.n).ToList();
            var outcome = await writer.ExecuteAsync(new ExpireOffers(market, Of(0), Of(1), Of(2)), Principal.Admin, null,
                n => n.ToString(System.Globalization.CultureInfo.InvariantCulture), null, ct);
            total += outcome.Answer;
        }
        return total;
    }
}

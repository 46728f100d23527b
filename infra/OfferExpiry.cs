using Trading.Core.Access;
using Trading.Core.Ledger;
using Trading.Core.Ledger.UseCases;
using Trading.Core.Market;
using Trading.Core.Primitives;

namespace Trading.Infra;

/// <summary>
/// The <c>ExpireProposals</c> timer: ends the open proposals, pledge requests and listings past their expiry (returning
/// what they froze), found through the due index (<see cref="DueIndex"/>: only the markets with an expiry due now are
/// visited), in batches, each one use case through the writer; then drops the index entries whose work committed.
/// Budgeted: it asks the run's <see cref="TimerBudget"/> before each market's expiries and stops cleanly; what it did not
/// reach stays indexed for the next run (the timer logs the stop). Idempotent: a second run ends nothing.
/// </summary>
public sealed class OfferExpiry(TableLedger ledger, MarketWriter writer, DueIndex index, DueBackfill backfill, TimeProvider time)
{
    public async Task<IReadOnlyList<string>> ExpireDueAsync(TimerBudget budget, CancellationToken ct)
    {
        var lines = new List<string>();
        if (await backfill.RunAsync(budget, ct) is { } backfilled) lines.Add(backfilled);
        var due = budget.Stopped ? [] : await index.DueAsync(DueIndex.Expiries, time.GetUtcNow(), ct);
        var ended = await Bounded.SelectAsync(due.GroupBy(e => e.Market).ToList(), async g =>
            budget.TrySpend() ? await ExpireEntriesAsync(g.Key, g.ToList(), ct) : -1, 8, ct);
        var total = ended.Where(n => n > 0).Sum();
        lines.Add(total == 0 ? "No offer had expired." : $"Ended {total} expired offer(s) in {ended.Count(n => n > 0)} market(s).");
        return lines;
    }

    /// <summary>Ends the due offers of one market's entries, then drops the entries whose work is done; answers how many it ended.</summary>
    private async Task<int> ExpireEntriesAsync(MarketId market, List<DueIndex.Entry> entries, CancellationToken ct)
    {
        List<long> Of(DueKind kind) => entries.Where(e => e.Item.Kind == kind).Select(e => e.Item.Number).Distinct().ToList();
        var total = await ExpireAsync(market, Of(DueKind.Proposal), Of(DueKind.Pledge), Of(DueKind.Listing), ct);
        await index.DropDoneAsync(entries, e => RowAsync(market, e.Item, ct), ct);
        return total;
    }

    /// <summary>An offer's row (read only for an entry written moments ago).</summary>
    private async Task<Core.Writes.IRow?> RowAsync(MarketId market, DueItem item, CancellationToken ct) => item.Kind switch
    {
        DueKind.Proposal => await ledger.GetProposalAsync(market, item.Number, ct),
        DueKind.Pledge => await ledger.GetPledgeAsync(market, item.Number, ct),
        _ => await ledger.GetListingAsync(market, item.Number, ct),
    };

    private async Task<int> ExpireAsync(MarketId market, List<long> proposals, List<long> pledges, List<long> listings, CancellationToken ct)
    {
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

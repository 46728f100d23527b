using Azure.Data.Tables;
using Trading.Core.Finance;
using Trading.Core.Ledger;
using Trading.Core.Market;
using Trading.Core.Primitives;

namespace Trading.Infra;

/// <summary>
/// Once, for storage written before the due index existed (decision 0012): lists the markets once, in key order, and
/// indexes each market's open proposals, pledge requests, listings and auctions not closed (<see cref="DueIndex"/>);
/// then the banks, indexing their applications and loans with a step left and their submitted applications.
/// Budgeted and resumable: it asks the run's <see cref="TimerBudget"/> before each market and saves the last market it
/// finished (row <c>~meta/backfill</c>), so a run stopped at its budget goes on at the next market next time; once every
/// market is indexed it writes <c>Done</c> and never lists the markets again. A market indexed twice (two instances, or a
/// run that died before saving) writes the same entries again: nothing is due twice. On storage with no market yet
/// (<see cref="StartAsync"/>) it is done from the start: every offer to come is indexed by its own write.
/// </summary>
public sealed class DueBackfill(StorageContext storage, DueIndex index, TimeProvider time)
{
    public const string MetaPartition = "~meta";
    private const string Row = "backfill";
    private const int SaveEvery = 25;
    private volatile bool _done;

    /// <summary>Once per process at start: on storage with no market and no bank yet, marks the backfill done.</summary>
    public async Task StartAsync(CancellationToken ct)
    {
        if (await IsDoneAsync(ct)) return;
        await foreach (var _ in storage.Markets.QueryAsync<TableEntity>(TableClient.CreateQueryFilter(
            $"PartitionKey eq {TableLedger.MarketsPartition} or PartitionKey eq {BankHooks.BanksPartition}"), maxPerPage: 1, select: ["RowKey"], cancellationToken: ct))
            return; // a market or bank exists: the first timer run indexes what it holds
        await SaveAsync(null, done: true, ct);
    }

    /// <summary>Whether every market written before the index existed is indexed.</summary>
    public async Task<bool> IsDoneAsync(CancellationToken ct)
    {
        if (_done) return true;
        var row = await storage.DueIndex.GetEntityIfExistsAsync<TableEntity>(MetaPartition, Row, cancellationToken: ct);
        return _done = row.HasValue && row.Value!.GetBoolean("Done") == true;
    }

    /// <summary>Indexes the markets, then the banks, not yet indexed, within the budget; answers a log line when it did something (null: done before).</summary>
    public async Task<string?> RunAsync(TimerBudget budget, CancellationToken ct)
    {
        if (_done) return null;
        var row = await storage.DueIndex.GetEntityIfExistsAsync<TableEntity>(MetaPartition, Row, cancellationToken: ct);
        if (row.HasValue && row.Value!.GetBoolean("Done") == true) { _done = true; return null; }
        // Progress: "1:{market}" or "2:{bank}", the last one indexed (markets first, then banks, each in key order).
        var after = row.HasValue ? row.Value!.GetString("After") : null;
        var indexed = 0;
        var items = 0;
        var last = after;
        foreach (var (phase, partition) in new[] { ("1", TableLedger.MarketsPartition), ("2", BankHooks.BanksPartition) })
        {
            if (after is not null && string.CompareOrdinal(after, phase + ";") > 0) continue; // this phase is done
            var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partition}");
            if (after is not null && after.StartsWith(phase + ":", StringComparison.Ordinal))
                filter += " and " + TableClient.CreateQueryFilter($"RowKey gt {after[2..]}");
            var owners = new List<string>();
            await foreach (var e in storage.Markets.QueryAsync<TableEntity>(filter, select: ["RowKey"], cancellationToken: ct)) owners.Add(e.RowKey);
            foreach (var owner in owners)
            {
                if (!budget.TrySpend())
                {
                    await SaveAsync(last, done: false, ct);
                    return $"Due index backfill: {indexed} market(s) or bank(s) indexed ({items} item(s)), stopped at the budget after {last}; it goes on at the next run.";
                }
                var due = phase == "1"
                    ? MarketId.TryParse(owner, out var market) ? await OpenItemsAsync(market.Value, ct) : []
                    : await BankItemsAsync(owner, ct);
                if (due.Count > 0) await index.AddAsync(owner, due, ct);
                items += due.Count;
                indexed++;
                last = phase + ":" + owner;
                if (indexed % SaveEvery == 0) await SaveAsync(last, done: false, ct);
            }
        }
        await SaveAsync(last, done: true, ct);
        _done = true;
        return $"Due index backfill done: {indexed} market(s) or bank(s) indexed ({items} item(s)).";
    }

    /// <summary>A bank's applications and loans with a step left, and its submitted applications (one query of its partition).</summary>
    private async Task<List<DueItem>> BankItemsAsync(string bank, CancellationToken ct)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {bank} and (Pending eq true or Status eq {nameof(Core.Loans.ApplicationStatus.Submitted)})");
        var items = new List<DueItem>();
        var now = time.GetUtcNow();
        if (!Core.Access.BankId.TryParse(bank, out var id, out _)) return items;
        await foreach (var e in storage.Loans.QueryAsync<TableEntity>(filter, cancellationToken: ct))
        {
            if (e.RowKey.StartsWith(LoanRows.LoanFirst, StringComparison.Ordinal))
                items.AddRange(DueWork.OfBank([new RowChange(LoanRows.ToLoan(id, e), "backfill")], now));
            else if (e.RowKey.StartsWith(LoanRows.ApplicationFirst, StringComparison.Ordinal))
                items.AddRange(DueWork.OfBank([RowChange.New(LoanRows.ToApplication(id, e))], now)
                    .Where(i => i.Kind != DueKind.ApplicationExpiry || e.GetString("Status") == nameof(Core.Loans.ApplicationStatus.Submitted)));
        }
        return items;
    }

    /// <summary>A market's open offers and auctions not closed, as due items (one query of its partition).</summary>
    private async Task<List<DueItem>> OpenItemsAsync(MarketId market, CancellationToken ct)
    {
        static string Range(string first, string last, bool open, string status) => open
            ? TableClient.CreateQueryFilter($"(RowKey ge {first} and RowKey lt {last} and Status eq {status})")
            : TableClient.CreateQueryFilter($"(RowKey ge {first} and RowKey lt {last} and Status ne {status})");
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {market.Key}") + " and (" + string.Join(" or ",
            Range(LedgerRows.ProposalFirst, LedgerRows.ProposalLast, true, nameof(ProposalStatus.Proposed)),
            Range(LedgerRows.PledgeFirst, LedgerRows.PledgeLast, true, nameof(PledgeStatus.Requested)),
            Range(LedgerRows.ListingFirst, LedgerRows.ListingLast, true, nameof(ListingStatus.Open)),
            Range(LedgerRows.AuctionFirst, LedgerRows.AuctionLast, false, nameof(AuctionStatus.Closed))) + ")";
        var items = new List<DueItem>();
        await foreach (var e in storage.Ledger.QueryAsync<TableEntity>(filter, cancellationToken: ct))
        {
            Core.Writes.IRow row = e.RowKey switch
            {
                var k when k.StartsWith(LedgerRows.ProposalFirst, StringComparison.Ordinal) => LedgerRows.ToProposal(e),
                var k when k.StartsWith(LedgerRows.PledgeFirst, StringComparison.Ordinal) => LedgerRows.ToPledge(market, e),
                var k when k.StartsWith(LedgerRows.ListingFirst, StringComparison.Ordinal) => LedgerRows.ToListing(market, e),
                _ => LedgerRows.ToAuction(market, e),
            };
            if (DueWork.Of(row) is { } item) items.Add(item);
        }
        return items;
    }

    private Task SaveAsync(string? after, bool done, CancellationToken ct) =>
        storage.DueIndex.UpsertEntityAsync(new TableEntity(MetaPartition, Row) { ["After"] = after, ["Done"] = done, ["At"] = time.GetUtcNow() }, TableUpdateMode.Replace, ct);
}

using System.Collections.Concurrent;
using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Trading.Core;
using Trading.Core.Ledger;
using Trading.Core.Primitives;
using Trading.Core.Reporting;

namespace Trading.Infra;

/// <summary>
/// Monthly figures of a region prefix per pollutant: from its rollups (one query, whatever its number of markets; see
/// <see cref="RegionRollups"/>), or before the rollups are first built, from the month rows of each of its markets
/// (one range query per market). Either way the cost never grows with trades.
/// </summary>
public sealed class MonthFigures(StorageContext storage, TableLedger ledger, RegionRollups rollups)
{
    internal const string ClosesPartition = "close";

    public async Task<IReadOnlyList<PollutantMonth>> ReadAsync(RegionPrefix region, ReportingMonth from, ReportingMonth to, CancellationToken ct) =>
        await rollups.ReadAsync(region, from, to, ct)
        ?? (await ReadMarketsAsync(region, from, to, ct)).Select(m => new PollutantMonth(m.Market.Pollutant, m.Month, m.Totals)).ToList();

    /// <summary>Each market's month rows in the range (the per-market read; also what tests compare the rollups with).</summary>
    public async Task<IReadOnlyList<MarketMonth>> ReadMarketsAsync(RegionPrefix region, ReportingMonth from, ReportingMonth to, CancellationToken ct)
    {
        var markets = await ledger.MarketsAsync(region, ct);
        var perMarket = await Bounded.SelectAsync(markets, async market =>
        {
            var rows = new List<MarketMonth>();
            var filter = TableClient.CreateQueryFilter(
                $"PartitionKey eq {market.Key} and RowKey ge {LedgerRows.Month(from)} and RowKey le {LedgerRows.Month(to)}");
            await foreach (var e in storage.Ledger.QueryAsync<TableEntity>(filter, cancellationToken: ct))
            {
                var month = ReportingMonth.Parse(e.GetString("Month"));
                var counter = LedgerRows.ToMonth(month, e);
                rows.Add(new MarketMonth(market, month, new Totals(counter.Trades, counter.Grams, counter.Fen), counter.Closed));
            }
            return rows;
        }, Bounded.DefaultConcurrency, ct);
        return perMarket.SelectMany(r => r).ToList();
    }

    /// <summary>The closed months in a range (a month is closed for every market at once).</summary>
    public async Task<ISet<ReportingMonth>> ClosedMonthsAsync(ReportingMonth from, ReportingMonth to, CancellationToken ct)
    {
        var result = new HashSet<ReportingMonth>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {ClosesPartition} and RowKey ge {from.ToString()} and RowKey le {to.ToString()}");
        await foreach (var e in storage.Closes.QueryAsync<TableEntity>(filter, select: ["RowKey", "State"], cancellationToken: ct))
            if (e.GetString("State") != Closing) result.Add(ReportingMonth.Parse(e.RowKey));
        return result;
    }

    /// <summary>State of a month whose close has begun: no trade may land in it any more, its report is not written yet.</summary>
    internal const string Closing = "closing";

    /// <summary>
    /// Marks the month as closing, before the closer lists the markets: from then on no trade lands in it in any market,
    /// including a market created after the listing (a trade reads this row after its market's own rows).
    /// </summary>
    internal async Task MarkClosingAsync(ReportingMonth month, DateTimeOffset at, CancellationToken ct)
    {
        try
        {
            await storage.Closes.AddEntityAsync(new TableEntity(ClosesPartition, month.ToString()) { ["State"] = Closing, ["ClosingAt"] = at }, ct);
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            // Already closing (an earlier run that stopped half-way) or closed.
        }
    }

    internal async Task MarkClosedAsync(ReportingMonth month, DateTimeOffset at, CancellationToken ct)
    {
        await storage.Closes.UpsertEntityAsync(new TableEntity(ClosesPartition, month.ToString())
        {
            ["State"] = "closed",
            ["ClosedAt"] = at,
            ["ReportJson"] = ReportStore.BlobName(month, "json"),
            ["ReportCsv"] = ReportStore.BlobName(month, "csv"),
        }, TableUpdateMode.Merge, ct);
    }
}

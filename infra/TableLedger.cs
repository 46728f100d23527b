using System.Collections.Concurrent;
using Azure;
using Azure.Data.Tables;
using Trading.Core;
using Trading.Core.Access;
using Trading.Core.Enterprises;
using Trading.Core.Finance;
using Trading.Core.Ledger;
using Trading.Core.Primitives;

namespace Trading.Infra;

/// <summary>
/// Reads of the ledger on Table Storage (one partition per market). Every write goes through <see cref="MarketWriter"/>.
/// </summary>
public sealed class TableLedger(StorageContext storage) : ILedger
{
    public const string MarketsPartition = "market";

    public async Task<Pledge?> GetPledgeAsync(MarketId market, long number, CancellationToken ct)
    {
        var row = await Read(market.Key, LedgerRows.Pledge(number), ct);
        return row is null ? null : LedgerRows.ToPledge(market, row);
    }

    public async Task<TradeProposal?> GetProposalAsync(MarketId market, long number, CancellationToken ct)
    {
        var row = await Read(market.Key, LedgerRows.Proposal(number), ct);
        return row is null ? null : LedgerRows.ToProposal(row);
    }

    public async Task<Allocation?> GetAllocationAsync(MarketId market, long number, CancellationToken ct)
    {
        var row = await Read(market.Key, LedgerRows.Allocation(number), ct);
        return row is null ? null : LedgerRows.ToAllocation(market, row);
    }

    /// <summary>Numbers of a market's open proposals and pledge requests whose expiry has passed (for the ExpireProposals timer).</summary>
    public async Task<(List<long> Proposals, List<long> Pledges, List<long> Listings)> ExpiredOffersAsync(MarketId market, DateTimeOffset now, CancellationToken ct)
    {
        var nowText = now.ToUniversalTime().ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        async Task<List<long>> Query(string first, string last, string status)
        {
            var filter = TableClient.CreateQueryFilter(
                $"PartitionKey eq {market.Key} and RowKey ge {first} and RowKey lt {last} and Status eq {status} and ExpiresAt le {nowText}");
            var numbers = new List<long>();
            await foreach (var row in storage.Ledger.QueryAsync<TableEntity>(filter, select: ["Number"], cancellationToken: ct))
                numbers.Add(row.GetInt64("Number")!.Value);
            return numbers;
        }
        return (await Query(LedgerRows.ProposalFirst, LedgerRows.ProposalLast, nameof(ProposalStatus.Proposed)),
            await Query(LedgerRows.PledgeFirst, LedgerRows.PledgeLast, nameof(PledgeStatus.Requested)),
            await Query(LedgerRows.ListingFirst, LedgerRows.ListingLast, nameof(Core.Market.ListingStatus.Open)));
    }

    /// <summary>Recomputes a market's hash chain from its trades, oldest first.</summary>
    public async Task<ChainCheck> VerifyChainAsync(MarketId market, CancellationToken ct)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {market.Key} and RowKey ge {"trade:"} and RowKey lt {"trade;"}");
        var previous = Trade.GenesisHash;
        long count = 0;
        await foreach (var row in storage.Ledger.QueryAsync<TableEntity>(filter, cancellationToken: ct))
        {
            var trade = LedgerRows.ToTrade(row);
            count++;
            if (trade.Sequence != count || trade.PreviousHash != previous || !trade.HashIsValid())
                return new ChainCheck(count - 1, false, previous, trade.Sequence);
            previous = trade.Hash;
        }
        var head = LedgerRows.ToHead(await Read(market.Key, LedgerRows.Head, ct));
        return head.Sequence == count && head.LastHash == previous
            ? new ChainCheck(count, true, previous, null)
            : new ChainCheck(count, false, previous, count + 1);
    }

    /// <summary>
    /// The enterprises' holding rows of the given markets (for loan matches), by holder: one key-range query of each
    /// market's partition (<c>holding:</c> rows only, never its trades), with bounded concurrency.
    /// </summary>
    public async Task<Dictionary<string, List<MarketHolding>>> HoldingsInMarketsAsync(IReadOnlyList<MarketId> markets, CancellationToken ct)
    {
        var perMarket = await Bounded.SelectAsync(markets, async market =>
        {
            var rows = new List<MarketHolding>();
            await foreach (var row in storage.Ledger.QueryAsync<TableEntity>(HoldingRange(market), cancellationToken: ct))
            {
                var holderText = row.GetString("Holder");
                if (holderText == Holder.ReserveName) continue;
                rows.Add(new MarketHolding(market, LedgerRows.ToHolding(Holder.Of(CreditCode.Parse(holderText)), row)));
            }
            return rows;
        }, Bounded.DefaultConcurrency, ct);
        var result = new Dictionary<string, List<MarketHolding>>(StringComparer.Ordinal);
        foreach (var h in perMarket.SelectMany(x => x))
        {
            if (!result.TryGetValue(h.Holding.Holder.Value, out var list)) result[h.Holding.Holder.Value] = list = [];
            list.Add(h);
        }
        return result;
    }

    /// <summary>Credit codes of the enterprises holding a row in one market (its partition's <c>holding:</c> range).</summary>
    public async Task<List<string>> HoldersOfMarketAsync(MarketId market, CancellationToken ct)
    {
        var holders = new List<string>();
        await foreach (var row in storage.Ledger.QueryAsync<TableEntity>(HoldingRange(market), select: ["Holder"], cancellationToken: ct))
            if (row.GetString("Holder") is { } h && h != Holder.ReserveName) holders.Add(h);
        return holders;
    }

    private static string HoldingRange(MarketId market) =>
        TableClient.CreateQueryFilter($"PartitionKey eq {market.Key} and RowKey ge {"holding:"} and RowKey lt {"holding;"}");

    /// <summary>
    /// Volume-weighted prices of markets over the 12 months before <paramref name="today"/> (markets without trades in
    /// that window are absent), from the ledger's day counters: at most 366 rows per market, whatever its trades.
    /// </summary>
    public async Task<Dictionary<MarketId, MarketPrice>> PricesAsync(IEnumerable<MarketId> markets, DateOnly today, CancellationToken ct)
    {
        var list = markets.Distinct().ToList();
        var prices = await Bounded.SelectAsync(list, async market =>
            MarketPrice.FromDays(await DaysAsync(market, today.AddYears(-1), today.AddDays(-1), ct), today), Bounded.DefaultConcurrency, ct);
        return list.Zip(prices).Where(p => p.Second is not null).ToDictionary(p => p.First, p => p.Second!.Value);
    }

    /// <summary>A market's day counters from <paramref name="from"/> to <paramref name="to"/> (China dates, inclusive).</summary>
    public async Task<List<DayCounter>> DaysAsync(MarketId market, DateOnly from, DateOnly to, CancellationToken ct)
    {
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey eq {market.Key} and RowKey ge {LedgerRows.Day(from)} and RowKey lt {LedgerRows.Day(to.AddDays(1))}");
        var days = new List<DayCounter>();
        await foreach (var row in storage.Ledger.QueryAsync<TableEntity>(filter, cancellationToken: ct)) days.Add(LedgerRows.ToDay(LedgerRows.DayOfRow(row.RowKey), row));
        return days;
    }

    /// <summary>A market's month counters from <paramref name="from"/> to <paramref name="to"/>, inclusive (months without trades are absent).</summary>
    public async Task<List<MonthCounter>> MonthsAsync(MarketId market, ReportingMonth from, ReportingMonth to, CancellationToken ct)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {market.Key} and RowKey ge {LedgerRows.Month(from)} and RowKey le {LedgerRows.Month(to)}");
        var months = new List<MonthCounter>();
        await foreach (var row in storage.Ledger.QueryAsync<TableEntity>(filter, cancellationToken: ct))
            months.Add(LedgerRows.ToMonth(ReportingMonth.Parse(row.GetString("Month")), row));
        return months;
    }

    public async Task<MarketHead> HeadAsync(MarketId market, CancellationToken ct) => LedgerRows.ToHead(await Read(market.Key, LedgerRows.Head, ct));

    public async Task<Core.Market.Listing?> GetListingAsync(MarketId market, long number, CancellationToken ct)
    {
        var row = await Read(market.Key, LedgerRows.Listing(number), ct);
        return row is null ? null : LedgerRows.ToListing(market, row);
    }

    public async Task<Core.Market.Auction?> GetAuctionAsync(MarketId market, long number, CancellationToken ct)
    {
        var row = await Read(market.Key, LedgerRows.Auction(number), ct);
        return row is null ? null : LedgerRows.ToAuction(market, row);
    }

    public async Task<Core.Market.Bid?> GetBidAsync(MarketId market, long auction, Holder bidder, CancellationToken ct)
    {
        var row = await Read(market.Key, LedgerRows.Bid(auction, bidder), ct);
        return row is null ? null : LedgerRows.ToBid(row);
    }

    /// <summary>Every bid of an auction.</summary>
    public async Task<List<Core.Market.Bid>> BidsAsync(MarketId market, long auction, CancellationToken ct)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {market.Key} and RowKey ge {LedgerRows.BidsFirst(auction)} and RowKey lt {LedgerRows.BidsLast(auction)}");
        var bids = new List<Core.Market.Bid>();
        await foreach (var row in storage.Ledger.QueryAsync<TableEntity>(filter, cancellationToken: ct)) bids.Add(LedgerRows.ToBid(row));
        return bids;
    }

    public async Task<Trade?> GetTradeAsync(TradeId id, CancellationToken ct)
    {
        var row = await Read(id.Market.Key, LedgerRows.Trade(id.Sequence), ct);
        return row is null ? null : LedgerRows.ToTrade(row);
    }

    public async Task<IReadOnlyList<MarketHolding>> HoldingsOfAsync(Holder holder, CancellationToken ct)
    {
        var markets = await MarketsOfHolderAsync(holder, ct);
        var rows = await Bounded.SelectAsync(markets, m => Read(m.Key, LedgerRows.Holding(holder), ct), Bounded.DefaultConcurrency, ct);
        return markets.Zip(rows, (m, r) => new MarketHolding(m, LedgerRows.ToHolding(holder, r)))
            .OrderBy(h => h.Market.Key, StringComparer.Ordinal).ToList();
    }

    public async Task<ListPage<Trade>> ListTradesAsync(TradeQuery query, int pageSize, string? continuationToken, CancellationToken ct)
    {
        var cursor = ContinuationTokens.Decode(continuationToken);
        if (cursor is not null && !cursor.StartsWith(LedgerRows.ByTimePrefix, StringComparison.Ordinal))
            throw ValidationException.For("continuationToken", "is not a token this API gave");

        IEnumerable<MarketId> all = query.Party is { } party
            ? await MarketsOfHolderAsync(Holder.Of(party), ct)
            : await MarketsAsync(query.Region, ct);
        var markets = all.Where(m => m.Region.Value.StartsWith(query.Region.Value, StringComparison.Ordinal)
                                     && (query.Pollutant is null || m.Pollutant == query.Pollutant)).ToList();

        // Rows ordered newest first by tradedAt (inverted ticks), with market and sequence breaking ties.
        var lower = query.To is { } to ? LedgerRows.ByTimeBound(to.End) + ";" : LedgerRows.ByTimePrefix;
        var upper = query.From is { } from ? LedgerRows.ByTimeBound(from.Start) + ";" : LedgerRows.ByTimeLast;
        var filter = TableClient.CreateQueryFilter($"RowKey gt {lower} and RowKey lt {upper}");
        if (cursor is not null) filter += " and " + TableClient.CreateQueryFilter($"RowKey gt {cursor}");
        if (query.Party is { } p) filter += " and " + TableClient.CreateQueryFilter($"(Seller eq {p.Value} or Buyer eq {p.Value})");
        // Filtered by storage, not here: a page is never short of rows that a later page would have held.
        if (query.Method is { } method) filter += " and " + TableClient.CreateQueryFilter($"Method eq {method.ToString()}");

        var perMarket = await Bounded.SelectAsync(markets, async m =>
        {
            var rows = new List<TableEntity>();
            var marketFilter = TableClient.CreateQueryFilter($"PartitionKey eq {m.Key}") + " and " + filter;
            await foreach (var row in storage.Ledger.QueryAsync<TableEntity>(marketFilter, maxPerPage: pageSize + 1, cancellationToken: ct))
            {
                rows.Add(row);
                if (rows.Count > pageSize) break;
            }
            return rows;
        }, Bounded.DefaultConcurrency, ct);
        var merged = perMarket.SelectMany(r => r).OrderBy(r => r.RowKey, StringComparer.Ordinal).Take(pageSize + 1).ToList();
        var items = merged.Take(pageSize).Select(LedgerRows.ToTrade).ToList();
        var next = merged.Count > pageSize ? ContinuationTokens.Encode(merged[pageSize - 1].RowKey) : null;
        return new ListPage<Trade>(items, next);
    }

    /// <summary>Every market that has ever had an allocation, under a region prefix.</summary>
    public async Task<IReadOnlyList<MarketId>> MarketsAsync(RegionPrefix region, CancellationToken ct)
    {
        var filter = region.Value.Length == 0
            ? TableClient.CreateQueryFilter($"PartitionKey eq {MarketsPartition}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {MarketsPartition} and RowKey ge {region.Value} and RowKey lt {region.Value + ":"}");
        var result = new List<MarketId>();
        await foreach (var row in storage.Markets.QueryAsync<TableEntity>(filter, select: ["RowKey"], cancellationToken: ct))
            if (MarketId.TryParse(row.RowKey, out var m)) result.Add(m.Value);
        return result;
    }

    private async Task<IReadOnlyList<MarketId>> MarketsOfHolderAsync(Holder holder, CancellationToken ct)
    {
        var result = new List<MarketId>();
        await foreach (var row in storage.HolderIndex.QueryAsync<TableEntity>(
                           TableClient.CreateQueryFilter($"PartitionKey eq {holder.Value}"), select: ["RowKey"], cancellationToken: ct))
            if (MarketId.TryParse(row.RowKey, out var m)) result.Add(m.Value);
        return result;
    }

    private async Task<TableEntity?> Read(string pk, string rk, CancellationToken ct)
    {
        var response = await storage.Ledger.GetEntityIfExistsAsync<TableEntity>(pk, rk, cancellationToken: ct);
        return response.HasValue ? response.Value : null;
    }
}

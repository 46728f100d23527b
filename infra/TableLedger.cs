using System.Collections.Concurrent;
using Azure;
using Azure.Data.Tables;
using Trading.Core;
using Trading.Core.Access;
using Trading.Core.Enterprises;
using Trading.Core.Ledger;
using Trading.Core.Primitives;

namespace Trading.Infra;

/// <summary>
/// The ledger on Table Storage. Every write to a market is one entity-group transaction in that market's partition
/// with If-Match on every row it read (Add for rows that did not exist), so a write that raced another fails whole
/// with 412/409 and is retried from a fresh read, a bounded number of times.
/// </summary>
public sealed class TableLedger(StorageContext storage, IEnterpriseStore enterprises, TimeProvider time) : ILedger
{
    /// <summary>How many times a market write is tried before the caller gets 503 (nothing written).</summary>
    public const int MaxAttempts = 40;

    private readonly KeyedLock _marketLocks = new();
    private readonly ConcurrentDictionary<string, bool> _indexed = new(StringComparer.Ordinal);

    public async Task<TradeOutcome> SubmitTradeAsync(Principal caller, string idempotencyKey, TradeRequest request, CancellationToken ct)
    {
        var market = request.Market;
        var fingerprint = request.Fingerprint();
        var callerKeyHash = Hashing.Sha256Hex(caller.Id + "\n" + idempotencyKey);

        // Independent checks, read in parallel. A key belongs to the caller, not to a market: a key already bound to
        // another request is refused. Markets that existed when a month closed carry the flag on their month row
        // (checked in the transaction); the closes table covers markets created since.
        var reservedTask = IsKeyReservedAsync(callerKeyHash, fingerprint, ct);
        var sellerTask0 = RequireRegisteredAsync(request.Seller, "seller", ct);
        var buyerTask0 = RequireRegisteredAsync(request.Buyer, "buyer", ct);
        var closedTask = IsMonthClosedAsync(request.Month, ct);
        await Task.WhenAll(reservedTask, sellerTask0, buyerTask0, closedTask); // the first failure in this order is the answer
        var reserved = reservedTask.Result;

        using var _ = await _marketLocks.AcquireAsync(market.Key, ct);
        var pk = market.Key;
        for (var attempt = 1; ; attempt++)
        {
            var headTask = Read(pk, LedgerRows.Head, ct);
            var sellerTask = Read(pk, LedgerRows.Holding(request.Seller), ct);
            var buyerTask = Read(pk, LedgerRows.Holding(request.Buyer), ct);
            var monthTask = Read(pk, LedgerRows.Month(request.Month), ct);
            var idemTask = Read(pk, LedgerRows.Idempotency(callerKeyHash), ct);
            await Task.WhenAll(headTask, sellerTask, buyerTask, monthTask, idemTask);

            if (idemTask.Result is { } idem)
            {
                if (idem.GetString("Fingerprint") != fingerprint) throw KeyReused();
                var recorded = await Read(pk, LedgerRows.Trade(idem.GetInt64("Sequence")!.Value), ct)
                    ?? throw new InvalidOperationException($"idempotency record of {pk} points at a missing trade");
                return new TradeOutcome(LedgerRows.ToTrade(recorded), Replayed: true);
            }
            // After the replay check: a retry of a trade recorded before its month closed still gets its trade back.
            if (closedTask.Result) throw Settlement.MonthClosed(request.Month);

            var snapshot = new MarketSnapshot(LedgerRows.ToHead(headTask.Result), LedgerRows.ToHolding(request.Seller, sellerTask.Result),
                LedgerRows.ToHolding(request.Buyer, buyerTask.Result), LedgerRows.ToMonth(request.Month, monthTask.Result));
            // The rules refuse before anything is written: a refused trade leaves storage as it was.
            var result = Settlement.Settle(request, snapshot, time.GetUtcNow(), caller.Id);
            var trade = result.Trade;

            // Bind the key to this request across markets, then make sure the buyer's holding is listed, then commit.
            if (!reserved) reserved = await ReserveKeyAsync(caller, callerKeyHash, fingerprint, market, ct);
            await IndexHolderAsync(request.Buyer, market, ct);

            var actions = new List<TableTransactionAction>
            {
                new(TableTransactionActionType.Add, LedgerRows.TradeEntity(trade, LedgerRows.Trade(trade.Sequence))),
                new(TableTransactionActionType.Add, LedgerRows.TradeEntity(trade, LedgerRows.ByTime(market, request.TradedAt, trade.Sequence))),
                LedgerRows.Write(LedgerRows.HeadEntity(market, result.Head), headTask.Result?.ETag),
                LedgerRows.Write(LedgerRows.HoldingEntity(market, result.Seller), sellerTask.Result?.ETag),
                LedgerRows.Write(LedgerRows.HoldingEntity(market, result.Buyer), buyerTask.Result?.ETag),
                LedgerRows.Write(LedgerRows.MonthEntity(market, result.Month), monthTask.Result?.ETag),
                new(TableTransactionActionType.Add, new TableEntity(pk, LedgerRows.Idempotency(callerKeyHash))
                {
                    ["Fingerprint"] = fingerprint,
                    ["Sequence"] = trade.Sequence,
                    ["Caller"] = caller.Id,
                }),
            };
            if (await TryCommitAsync(actions, attempt, ct)) return new TradeOutcome(trade, Replayed: false);
        }
    }

    public async Task<Allocation> AllocateAsync(Principal caller, AllocationRequest request, CancellationToken ct)
    {
        var market = request.Market;
        await RequireRegisteredAsync(request.Holder, "holder", ct);
        await RegisterMarketAsync(market, ct);
        await IndexHolderAsync(request.Holder, market, ct);

        using var _ = await _marketLocks.AcquireAsync(market.Key, ct);
        for (var attempt = 1; ; attempt++)
        {
            var headTask = Read(market.Key, LedgerRows.Head, ct);
            var holdingTask = Read(market.Key, LedgerRows.Holding(request.Holder), ct);
            await Task.WhenAll(headTask, holdingTask);
            var (allocation, head, holding) = Settlement.Allocate(request, LedgerRows.ToHead(headTask.Result),
                LedgerRows.ToHolding(request.Holder, holdingTask.Result), time.GetUtcNow(), caller.Id);
            var actions = new List<TableTransactionAction>
            {
                new(TableTransactionActionType.Add, LedgerRows.AllocationEntity(allocation, head.AllocationCount)),
                LedgerRows.Write(LedgerRows.HeadEntity(market, head), headTask.Result?.ETag),
                LedgerRows.Write(LedgerRows.HoldingEntity(market, holding), holdingTask.Result?.ETag),
            };
            if (await TryCommitAsync(actions, attempt, ct)) return allocation;
        }
    }

    /// <summary>Pledges part of a holding to a bank: one transaction in the market's partition (pledge row, holding, head).</summary>
    public async Task<Core.Finance.Pledge> PledgeAsync(Principal caller, Core.Finance.PledgeRequest request, CancellationToken ct)
    {
        var market = request.Market;
        await RequireRegisteredAsync(request.Holder, "holder", ct);
        using var _ = await _marketLocks.AcquireAsync(market.Key, ct);
        for (var attempt = 1; ; attempt++)
        {
            var headTask = Read(market.Key, LedgerRows.Head, ct);
            var holdingTask = Read(market.Key, LedgerRows.Holding(request.Holder), ct);
            await Task.WhenAll(headTask, holdingTask);
            var (pledge, head, holding) = Core.Finance.Pledging.Pledge(request, LedgerRows.ToHead(headTask.Result),
                LedgerRows.ToHolding(request.Holder, holdingTask.Result), time.GetUtcNow(), caller.Id);
            var actions = new List<TableTransactionAction>
            {
                new(TableTransactionActionType.Add, LedgerRows.PledgeEntity(pledge)),
                LedgerRows.Write(LedgerRows.HeadEntity(market, head), headTask.Result?.ETag),
                LedgerRows.Write(LedgerRows.HoldingEntity(market, holding), holdingTask.Result?.ETag),
            };
            if (await TryCommitAsync(actions, attempt, ct)) return pledge;
        }
    }

    public async Task<Core.Finance.Pledge?> GetPledgeAsync(MarketId market, long number, CancellationToken ct)
    {
        var row = await Read(market.Key, LedgerRows.Pledge(number), ct);
        return row is null ? null : LedgerRows.ToPledge(market, row);
    }

    /// <summary>Releases a pledge: one transaction (pledge row, holding), both under If-Match.</summary>
    public async Task<Core.Finance.Pledge> ReleaseAsync(Principal caller, MarketId market, long number, Func<Core.Finance.Pledge, bool> mayRelease, CancellationToken ct)
    {
        using var _ = await _marketLocks.AcquireAsync(market.Key, ct);
        for (var attempt = 1; ; attempt++)
        {
            var row = await Read(market.Key, LedgerRows.Pledge(number), ct);
            var pledge = row is null ? null : LedgerRows.ToPledge(market, row);
            if (pledge is null || !mayRelease(pledge)) throw new NotFoundException($"No pledge {market.Key}-P{number} of yours.");
            var holdingRow = await Read(market.Key, LedgerRows.Holding(pledge.Request.Holder), ct);
            var (released, holding) = Core.Finance.Pledging.Release(pledge, LedgerRows.ToHolding(pledge.Request.Holder, holdingRow), time.GetUtcNow(), caller.Id);
            var actions = new List<TableTransactionAction>
            {
                new(TableTransactionActionType.UpdateReplace, LedgerRows.PledgeEntity(released), row!.ETag),
                LedgerRows.Write(LedgerRows.HoldingEntity(market, holding), holdingRow?.ETag),
            };
            if (await TryCommitAsync(actions, attempt, ct)) return released;
        }
    }

    /// <summary>Every holding row of every market (for the hourly refresh of loan matches).</summary>
    public async Task<Dictionary<string, List<MarketHolding>>> AllHoldingsAsync(CancellationToken ct)
    {
        var result = new Dictionary<string, List<MarketHolding>>(StringComparer.Ordinal);
        var filter = TableClient.CreateQueryFilter($"RowKey ge {"holding:"} and RowKey lt {"holding;"}");
        await foreach (var row in storage.Ledger.QueryAsync<TableEntity>(filter, cancellationToken: ct))
        {
            var holderText = row.GetString("Holder");
            if (holderText == Holder.ReserveName || !MarketId.TryParse(row.PartitionKey, out var market)) continue;
            if (!result.TryGetValue(holderText, out var list)) result[holderText] = list = [];
            list.Add(new MarketHolding(market.Value, LedgerRows.ToHolding(Holder.Of(CreditCode.Parse(holderText)), row)));
        }
        return result;
    }

    /// <summary>
    /// Volume-weighted prices of markets over the 12 months before <paramref name="today"/> (markets without trades in
    /// that window are absent). Reads the window's trades of each market through the newest-first index.
    /// </summary>
    public async Task<Dictionary<MarketId, Core.Finance.MarketPrice>> PricesAsync(IEnumerable<MarketId> markets, DateOnly today, CancellationToken ct)
    {
        var (from, to) = Core.Finance.MarketPrice.Window(today);
        var prices = await Task.WhenAll(markets.Distinct().Select(async market =>
        {
            var filter = TableClient.CreateQueryFilter(
                $"PartitionKey eq {market.Key} and RowKey gt {LedgerRows.ByTimeBound(to) + ";"} and RowKey lt {LedgerRows.ByTimeBound(from) + ";"}");
            var trades = new List<(long, int, long, DateTimeOffset)>();
            await foreach (var row in storage.Ledger.QueryAsync<TableEntity>(filter, select: ["Grams", "TermYears", "AmountFen", "TradedAt"], cancellationToken: ct))
                trades.Add((row.GetInt64("Grams")!.Value, row.GetInt32("TermYears")!.Value, row.GetInt64("AmountFen")!.Value,
                    DateTimeOffset.ParseExact(row.GetString("TradedAt"), "O", System.Globalization.CultureInfo.InvariantCulture)));
            return (market, price: Core.Finance.MarketPrice.From(trades, today));
        }));
        return prices.Where(p => p.price is not null).ToDictionary(p => p.market, p => p.price!.Value);
    }

    public async Task<Trade?> GetTradeAsync(TradeId id, CancellationToken ct)
    {
        var row = await Read(id.Market.Key, LedgerRows.Trade(id.Sequence), ct);
        return row is null ? null : LedgerRows.ToTrade(row);
    }

    public async Task<IReadOnlyList<MarketHolding>> HoldingsOfAsync(Holder holder, CancellationToken ct)
    {
        var markets = await MarketsOfHolderAsync(holder, ct);
        var rows = await Task.WhenAll(markets.Select(m => Read(m.Key, LedgerRows.Holding(holder), ct)));
        return markets.Zip(rows, (m, r) => new MarketHolding(m, LedgerRows.ToHolding(holder, r)))
            .OrderBy(h => h.Market.Key, StringComparer.Ordinal).ToList();
    }

    public async Task<ListPage<Trade>> ListTradesAsync(TradeQuery query, int pageSize, string? continuationToken, CancellationToken ct)
    {
        var cursor = ContinuationTokens.Decode(continuationToken);
        if (cursor is not null && !cursor.StartsWith(LedgerRows.ByTimePrefix, StringComparison.Ordinal))
            throw ValidationException.For("continuationToken", "is not a token this API gave");

        IEnumerable<MarketId> markets = query.Party is { } party
            ? await MarketsOfHolderAsync(Holder.Of(party), ct)
            : await MarketsAsync(query.Region, ct);
        markets = markets.Where(m => m.Region.Value.StartsWith(query.Region.Value, StringComparison.Ordinal)
                                     && (query.Pollutant is null || m.Pollutant == query.Pollutant));

        // Rows ordered newest first by tradedAt (inverted ticks), with market and sequence breaking ties.
        var lower = query.To is { } to ? LedgerRows.ByTimeBound(to.End) + ";" : LedgerRows.ByTimePrefix;
        var upper = query.From is { } from ? LedgerRows.ByTimeBound(from.Start) + ";" : LedgerRows.ByTimeLast;
        var filter = TableClient.CreateQueryFilter($"RowKey gt {lower} and RowKey lt {upper}");
        if (cursor is not null) filter += " and " + TableClient.CreateQueryFilter($"RowKey gt {cursor}");
        if (query.Party is { } p) filter += " and " + TableClient.CreateQueryFilter($"(Seller eq {p.Value} or Buyer eq {p.Value})");

        var perMarket = await Task.WhenAll(markets.Select(async m =>
        {
            var rows = new List<TableEntity>();
            var marketFilter = TableClient.CreateQueryFilter($"PartitionKey eq {m.Key}") + " and " + filter;
            await foreach (var row in storage.Ledger.QueryAsync<TableEntity>(marketFilter, maxPerPage: pageSize + 1, cancellationToken: ct))
            {
                rows.Add(row);
                if (rows.Count > pageSize) break;
            }
            return rows;
        }));
        var merged = perMarket.SelectMany(r => r).OrderBy(r => r.RowKey, StringComparer.Ordinal).Take(pageSize + 1).ToList();
        var items = merged.Take(pageSize).Select(LedgerRows.ToTrade).ToList();
        var next = merged.Count > pageSize ? ContinuationTokens.Encode(merged[pageSize - 1].RowKey) : null;
        return new ListPage<Trade>(items, next);
    }

    /// <summary>Every market that has ever had an allocation, under a region prefix.</summary>
    public async Task<IReadOnlyList<MarketId>> MarketsAsync(RegionPrefix region, CancellationToken ct)
    {
        var filter = region.Value.Length == 0 ? null
            : TableClient.CreateQueryFilter($"PartitionKey eq {MarketsPartition} and RowKey ge {region.Value} and RowKey lt {region.Value + ":"}");
        var result = new List<MarketId>();
        await foreach (var row in storage.Markets.QueryAsync<TableEntity>(filter, select: ["RowKey"], cancellationToken: ct))
            if (MarketId.TryParse(row.RowKey, out var m)) result.Add(m.Value);
        return result;
    }

    private const string MarketsPartition = "market";

    private async Task<IReadOnlyList<MarketId>> MarketsOfHolderAsync(Holder holder, CancellationToken ct)
    {
        var result = new List<MarketId>();
        await foreach (var row in storage.HolderIndex.QueryAsync<TableEntity>(
                           TableClient.CreateQueryFilter($"PartitionKey eq {holder.Value}"), select: ["RowKey"], cancellationToken: ct))
            if (MarketId.TryParse(row.RowKey, out var m)) result.Add(m.Value);
        return result;
    }

    private async Task RegisterMarketAsync(MarketId market, CancellationToken ct)
    {
        if (_indexed.ContainsKey("m|" + market.Key)) return;
        await storage.Markets.UpsertEntityAsync(new TableEntity(MarketsPartition, market.Key)
        {
            ["Region"] = market.Region.Value,
            ["Pollutant"] = market.Pollutant.ToString(),
        }, TableUpdateMode.Merge, ct);
        _indexed["m|" + market.Key] = true;
    }

    /// <summary>Index rows are written before the ledger transaction, so a holding is never missing from its holder's list.</summary>
    private async Task IndexHolderAsync(Holder holder, MarketId market, CancellationToken ct)
    {
        var key = "h|" + holder.Value + "|" + market.Key;
        if (_indexed.ContainsKey(key)) return;
        await storage.HolderIndex.UpsertEntityAsync(new TableEntity(holder.Value, market.Key), TableUpdateMode.Merge, ct);
        _indexed[key] = true;
    }

    private readonly ConcurrentDictionary<ReportingMonth, bool> _closedMonths = new();

    /// <summary>Closed months never reopen, so a yes is remembered.</summary>
    private async Task<bool> IsMonthClosedAsync(ReportingMonth month, CancellationToken ct)
    {
        if (_closedMonths.ContainsKey(month)) return true;
        var row = await storage.Closes.GetEntityIfExistsAsync<TableEntity>(MonthFigures.ClosesPartition, month.ToString(), select: ["RowKey"], cancellationToken: ct);
        if (!row.HasValue) return false;
        _closedMonths[month] = true;
        return true;
    }

    /// <summary>Enterprises are never deleted, so a firm once seen registered stays so.</summary>
    private async Task RequireRegisteredAsync(Holder holder, string role, CancellationToken ct)
    {
        if (holder.Enterprise is not { } code || _indexed.ContainsKey("e|" + code.Value)) return;
        if (await enterprises.GetAsync(code, ct) is null)
            throw new RuleViolationException($"The {role} {code} is not a registered enterprise.", "Unregistered party.");
        _indexed["e|" + code.Value] = true;
    }

    /// <summary>True when the key is already bound to this request; 422 when it is bound to another.</summary>
    private async Task<bool> IsKeyReservedAsync(string callerKeyHash, string fingerprint, CancellationToken ct)
    {
        var existing = await storage.Idempotency.GetEntityIfExistsAsync<TableEntity>(callerKeyHash, "", cancellationToken: ct);
        if (!existing.HasValue || existing.Value is null) return false;
        return existing.Value.GetString("Fingerprint") == fingerprint ? true : throw KeyReused();
    }

    /// <summary>Binds the key to this request (first writer wins); 422 when another request bound it first.</summary>
    private async Task<bool> ReserveKeyAsync(Principal caller, string callerKeyHash, string fingerprint, MarketId market, CancellationToken ct)
    {
        var reservation = new TableEntity(callerKeyHash, "")
        {
            ["Fingerprint"] = fingerprint,
            ["Market"] = market.Key,
            ["Caller"] = caller.Id,
            ["ReservedAt"] = time.GetUtcNow(),
        };
        try
        {
            await storage.Idempotency.AddEntityAsync(reservation, ct);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            var existing = await storage.Idempotency.GetEntityAsync<TableEntity>(callerKeyHash, "", cancellationToken: ct);
            if (existing.Value.GetString("Fingerprint") != fingerprint) throw KeyReused();
        }
        return true;
    }

    private static RuleViolationException KeyReused() => new(
        "This Idempotency-Key was already used with a different request body. Use a new key for a new trade.",
        "Idempotency key reused.");

    private async Task<TableEntity?> Read(string pk, string rk, CancellationToken ct)
    {
        var response = await storage.Ledger.GetEntityIfExistsAsync<TableEntity>(pk, rk, cancellationToken: ct);
        return response.HasValue ? response.Value : null;
    }

    /// <summary>Commits one entity-group transaction; false when another writer won (412/409) and the caller must re-read.</summary>
    private async Task<bool> TryCommitAsync(List<TableTransactionAction> actions, int attempt, CancellationToken ct)
    {
        LedgerRows.RequireOnePartition(actions);
        try
        {
            await storage.Ledger.SubmitTransactionAsync(actions, ct);
            return true;
        }
        catch (TableTransactionFailedException ex) when (ex.Status is 412 or 409)
        {
            if (attempt >= MaxAttempts)
                throw new UnavailableException($"The market {actions[0].Entity.PartitionKey} is too busy; nothing was recorded. Retry with the same Idempotency-Key.", ex);
            var backoff = Math.Min(200, 5 * attempt);
            await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(backoff / 2, backoff + 1)), ct);
            return false;
        }
    }
}

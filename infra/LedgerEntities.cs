using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Trading.Core.Ledger;
using Trading.Core.Primitives;

namespace Trading.Infra;

/// <summary>Row keys and entity mapping of the ledger table: one partition per market.</summary>
internal static class LedgerRows
{
    public const string Head = "head";
    public static string Holding(Holder holder) => "holding:" + holder.Value;
    public static string Trade(long sequence) => $"trade:{sequence:D12}";
    public static string Allocation(long number) => $"alloc:{number:D10}";
    public static string Month(ReportingMonth month) => "month:" + month;
    public static string Idempotency(string callerKeyHash) => "idem:" + callerKeyHash;

    /// <summary>Newest-first index row: inverted tradedAt ticks, then market and sequence for a total order across markets.</summary>
    public static string ByTime(MarketId market, DateTimeOffset tradedAt, long sequence) => $"{ByTimePrefix}{Inverted(tradedAt)}:{market.Key}:{sequence:D12}";
    public const string ByTimePrefix = "bytime:";
    public const string ByTimeLast = "bytime;";
    public static string ByTimeBound(DateTimeOffset instant) => ByTimePrefix + Inverted(instant);
    private static string Inverted(DateTimeOffset t) => (DateTimeOffset.MaxValue.UtcTicks - t.UtcTicks).ToString("D19", CultureInfo.InvariantCulture);

    /// <summary>
    /// Azure refuses an entity-group transaction across partitions, but Azurite accepts one (Azurite #1215): refuse it
    /// here so that the emulator cannot hide the mistake.
    /// </summary>
    public static void RequireOnePartition(IReadOnlyCollection<TableTransactionAction> actions)
    {
        if (actions.Count is 0 or > 100) throw new InvalidOperationException("a transaction holds 1 to 100 actions");
        if (actions.Select(a => a.Entity.PartitionKey).Distinct(StringComparer.Ordinal).Count() != 1)
            throw new InvalidOperationException("a ledger transaction never spans partitions");
    }

    public static TableTransactionAction Write(TableEntity entity, ETag? etag) => etag is { } e
        ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, entity, e)
        : new TableTransactionAction(TableTransactionActionType.Add, entity);

    public static TableEntity HeadEntity(MarketId market, MarketHead head) => new(market.Key, Head)
    {
        ["Sequence"] = head.Sequence,
        ["LastHash"] = head.LastHash,
        ["AllocationCount"] = head.AllocationCount,
        ["AllocatedGrams"] = head.Allocated.Grams,
        ["PledgeCount"] = head.PledgeCount,
    };

    public static MarketHead ToHead(TableEntity? e) => e is null ? MarketHead.Empty : new MarketHead(
        e.GetInt64("Sequence") ?? 0, e.GetString("LastHash"), e.GetInt64("AllocationCount") ?? 0,
        Quantity.FromGrams(e.GetInt64("AllocatedGrams") ?? 0), e.GetInt64("PledgeCount") ?? 0);

    public static TableEntity HoldingEntity(MarketId market, Holding h) => new(market.Key, Holding(h.Holder))
    {
        ["Holder"] = h.Holder.Value,
        ["HeldGrams"] = h.Held.Grams,
        ["PledgedGrams"] = h.Pledged.Grams,
        ["FrozenGrams"] = h.Frozen.Grams,
        ["ActivePledge"] = h.ActivePledge,
    };

    public static Holding ToHolding(Holder holder, TableEntity? e) => e is null ? Core.Ledger.Holding.Empty(holder) : new Holding(holder,
        Quantity.FromGrams(e.GetInt64("HeldGrams") ?? 0), Quantity.FromGrams(e.GetInt64("PledgedGrams") ?? 0),
        Quantity.FromGrams(e.GetInt64("FrozenGrams") ?? 0), e.GetString("ActivePledge"));

    public static string Pledge(long number) => $"pledge:{number:D10}";

    public static TableEntity PledgeEntity(Core.Finance.Pledge p) => new(p.Request.Market.Key, Pledge(p.Number))
    {
        ["Id"] = p.Id,
        ["Number"] = p.Number,
        ["Bank"] = p.Request.Bank.Value,
        ["Holder"] = p.Request.Holder.Value,
        ["Grams"] = p.Request.Quantity.Grams,
        ["LoanFen"] = p.Request.LoanAmount.Fen,
        ["Reference"] = p.Request.Reference,
        ["Status"] = p.Status.ToString(),
        ["PledgedAt"] = p.PledgedAt.ToString("O", CultureInfo.InvariantCulture),
        ["PledgedBy"] = p.PledgedBy,
        ["ReleasedAt"] = p.ReleasedAt?.ToString("O", CultureInfo.InvariantCulture),
        ["ReleasedBy"] = p.ReleasedBy,
    };

    public static Core.Finance.Pledge ToPledge(MarketId market, TableEntity e)
    {
        Core.Access.BankId.TryParse(e.GetString("Bank"), out var bank, out _);
        var request = new Core.Finance.PledgeRequest(bank, market, Holder.Of(CreditCode.Parse(e.GetString("Holder"))),
            Quantity.FromGrams(e.GetInt64("Grams")!.Value), Money.FromFen(e.GetInt64("LoanFen")!.Value), e.GetString("Reference"));
        return new Core.Finance.Pledge(e.GetString("Id"), e.GetInt64("Number")!.Value, request, Enum.Parse<Core.Finance.PledgeStatus>(e.GetString("Status")),
            DateTimeOffset.ParseExact(e.GetString("PledgedAt"), "O", CultureInfo.InvariantCulture), e.GetString("PledgedBy"),
            e.GetString("ReleasedAt") is { } r ? DateTimeOffset.ParseExact(r, "O", CultureInfo.InvariantCulture) : null, e.GetString("ReleasedBy"));
    }

    public static TableEntity MonthEntity(MarketId market, MonthCounter m) => new(market.Key, Month(m.Month))
    {
        ["Month"] = m.Month.ToString(),
        ["Trades"] = m.Trades,
        ["Grams"] = m.Grams,
        ["Fen"] = m.Fen,
        ["Closed"] = m.Closed,
    };

    public static MonthCounter ToMonth(ReportingMonth month, TableEntity? e) => e is null ? MonthCounter.Empty(month) :
        new MonthCounter(month, e.GetInt64("Trades") ?? 0, e.GetInt64("Grams") ?? 0, e.GetInt64("Fen") ?? 0, e.GetBoolean("Closed") ?? false);

    public const string MonthFirst = "month:";
    public const string MonthLast = "month;";

    public static TableEntity TradeEntity(Trade t, string rowKey)
    {
        var r = t.Request;
        return new TableEntity(r.Market.Key, rowKey)
        {
            ["Sequence"] = t.Sequence,
            ["Region"] = r.Market.Region.Value,
            ["Pollutant"] = r.Market.Pollutant.ToString(),
            ["Seller"] = r.Seller.Value,
            ["Buyer"] = r.Buyer.Value,
            ["Grams"] = r.Quantity.Grams,
            ["UnitPriceFen"] = r.UnitPrice.Fen,
            ["TermYears"] = r.TermYears,
            ["Method"] = r.Method.ToString(),
            ["TradedAt"] = r.TradedAt.ToString("O", CultureInfo.InvariantCulture),
            ["Month"] = r.Month.ToString(),
            ["AmountFen"] = r.Amount.Fen,
            ["Reference"] = r.Reference,
            ["RecordedAt"] = t.RecordedAt.ToString("O", CultureInfo.InvariantCulture),
            ["RecordedBy"] = t.RecordedBy,
            ["PreviousHash"] = t.PreviousHash,
            ["Hash"] = t.Hash,
        };
    }

    public static Trade ToTrade(TableEntity e)
    {
        var market = new MarketId(RegionCode.Parse(e.GetString("Region")), Enum.Parse<Pollutant>(e.GetString("Pollutant")));
        var sellerText = e.GetString("Seller");
        var seller = sellerText == Holder.ReserveName ? Holder.Reserve : Holder.Of(CreditCode.Parse(sellerText));
        var request = new TradeRequest(market, seller, Holder.Of(CreditCode.Parse(e.GetString("Buyer"))),
            Quantity.FromGrams(e.GetInt64("Grams")!.Value), Money.FromFen(e.GetInt64("UnitPriceFen")!.Value),
            e.GetInt32("TermYears")!.Value, Enum.Parse<TradeMethod>(e.GetString("Method")),
            DateTimeOffset.ParseExact(e.GetString("TradedAt"), "O", CultureInfo.InvariantCulture),
            Money.FromFen(e.GetInt64("AmountFen")!.Value), e.GetString("Reference"));
        return new Trade(new TradeId(market, e.GetInt64("Sequence")!.Value), request,
            DateTimeOffset.ParseExact(e.GetString("RecordedAt"), "O", CultureInfo.InvariantCulture),
            e.GetString("RecordedBy"), e.GetString("PreviousHash"), e.GetString("Hash"));
    }

    public static TableEntity AllocationEntity(Allocation a, long number) => new(a.Request.Market.Key, Allocation(number))
    {
        ["Id"] = a.Id,
        ["Holder"] = a.Request.Holder.Value,
        ["Grams"] = a.Request.Quantity.Grams,
        ["Reference"] = a.Request.Reference,
        ["RecordedAt"] = a.RecordedAt.ToString("O", CultureInfo.InvariantCulture),
        ["RecordedBy"] = a.RecordedBy,
    };
}

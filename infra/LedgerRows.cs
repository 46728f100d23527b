using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Trading.Core.Access;
using Trading.Core.Finance;
using Trading.Core.Ledger;
using Trading.Core.Market;
using Trading.Core.Primitives;

using Trading.Core.Loans;
using Trading.Core.Writes;

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

    public static TableEntity HeadEntity(MarketId market, MarketHead head) => new(market.Key, Head)
    {
        ["Sequence"] = head.Sequence,
        ["LastHash"] = head.LastHash,
        ["AllocationCount"] = head.AllocationCount,
        ["AllocatedGrams"] = head.Allocated.Grams,
        ["PledgeCount"] = head.PledgeCount,
        ["ProposalCount"] = head.ProposalCount,
        ["AuditCount"] = head.AuditCount,
        ["ListingCount"] = head.ListingCount,
        ["AuctionCount"] = head.AuctionCount,
        ["OpenListings"] = head.OpenListings,
        ["OpenAuctions"] = head.OpenAuctions,
        ["LastPriceFen"] = head.LastPriceFen,
        ["LastTradedAt"] = Time(head.LastTradedAt),
        ["EventCount"] = head.EventCount,
    };

    public static MarketHead ToHead(TableEntity? e) => e is null ? MarketHead.Empty : new MarketHead(
        e.GetInt64("Sequence") ?? 0, e.GetString("LastHash"), e.GetInt64("AllocationCount") ?? 0,
        Quantity.FromGrams(e.GetInt64("AllocatedGrams") ?? 0), e.GetInt64("PledgeCount") ?? 0, e.GetInt64("ProposalCount") ?? 0,
        e.GetInt64("AuditCount") ?? 0, e.GetInt64("ListingCount") ?? 0, e.GetInt64("AuctionCount") ?? 0, e.GetInt64("OpenListings") ?? 0,
        e.GetInt64("OpenAuctions") ?? 0, e.GetInt64("LastPriceFen") ?? 0, Time(e, "LastTradedAt"), e.GetInt64("EventCount") ?? 0);

    public static TableEntity HoldingEntity(MarketId market, Holding h) => new(market.Key, Holding(h.Holder))
    {
        ["Holder"] = h.Holder.Value,
        ["HeldGrams"] = h.Held.Grams,
        ["PledgedGrams"] = h.Pledged.Grams,
        ["FrozenGrams"] = h.Frozen.Grams,
    };

    public static Holding ToHolding(Holder holder, TableEntity? e) => e is null ? Core.Ledger.Holding.Empty(holder) : new Holding(holder,
        Quantity.FromGrams(e.GetInt64("HeldGrams") ?? 0), Quantity.FromGrams(e.GetInt64("PledgedGrams") ?? 0),
        Quantity.FromGrams(e.GetInt64("FrozenGrams") ?? 0));

    public static string Pledge(long number) => $"pledge:{number:D10}";
    public static string Proposal(long number) => $"proposal:{number:D10}";
    public static string Audit(long number) => $"audit:{number:D12}";
    public const string AuditCursor = "auditcursor";
    public const string ProposalFirst = "proposal:";
    public const string ProposalLast = "proposal;";
    public const string PledgeFirst = "pledge:";
    public const string PledgeLast = "pledge;";

    /// <summary>Instants in UTC, ISO 8601: they sort as text, so a filter can compare them.</summary>
    private static string? Time(DateTimeOffset? t) => t?.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);
    private static DateTimeOffset? Time(TableEntity e, string name) =>
        e.GetString(name) is { } text ? DateTimeOffset.ParseExact(text, "O", CultureInfo.InvariantCulture) : null;

    public static TableEntity PledgeEntity(Pledge p) => new(p.Market.Key, Pledge(p.Number))
    {
        ["Id"] = p.Id,
        ["Number"] = p.Number,
        ["Bank"] = p.Request.Bank.Value,
        ["Holder"] = p.Request.Holder.Value,
        ["Grams"] = p.Request.Quantity.Grams,
        ["LoanFen"] = p.Request.LoanAmount.Fen,
        ["Reference"] = p.Request.Reference,
        ["RequestedExpiresAt"] = Time(p.Request.ExpiresAt),
        ["RequestedBy"] = p.RequestedBy.ToString(),
        ["Status"] = p.Status.ToString(),
        ["CreatedAt"] = Time(p.CreatedAt),
        ["CreatedBy"] = p.CreatedBy,
        ["ExpiresAt"] = Time(p.ExpiresAt),
        ["ActivatedAt"] = Time(p.ActivatedAt),
        ["ActivatedBy"] = p.ActivatedBy,
        ["EndedAt"] = Time(p.EndedAt),
        ["EndedBy"] = p.EndedBy,
    };

    public static Pledge ToPledge(MarketId market, TableEntity e)
    {
        BankId.TryParse(e.GetString("Bank"), out var bank, out _);
        var request = new PledgeRequest(bank, market, Holder.Parse(e.GetString("Holder")), Quantity.FromGrams(e.GetInt64("Grams")!.Value),
            Money.FromFen(e.GetInt64("LoanFen")!.Value), e.GetString("Reference"), Time(e, "RequestedExpiresAt"));
        return new Pledge(e.GetInt64("Number")!.Value, request, Enum.Parse<PledgeParty>(e.GetString("RequestedBy") ?? nameof(PledgeParty.Bureau)),
            Enum.Parse<PledgeStatus>(e.GetString("Status")), (Time(e, "CreatedAt") ?? Time(e, "PledgedAt"))!.Value, e.GetString("CreatedBy") ?? e.GetString("PledgedBy"),
            Time(e, "ExpiresAt"),
            Time(e, "ActivatedAt"), e.GetString("ActivatedBy"), Time(e, "EndedAt"), e.GetString("EndedBy"));
    }

    public static TableEntity ProposalEntity(TradeProposal p)
    {
        var r = p.Request;
        return new TableEntity(Terms(r.Market, r.Seller, r.Buyer, r.Quantity, r.UnitPrice, r.TermYears, r.Method, r.Amount, r.Reference))
        {
            PartitionKey = p.Market.Key,
            RowKey = Proposal(p.Number),
            ["Id"] = p.Id,
            ["Number"] = p.Number,
            ["ProposedBy"] = r.ProposedBy.Value,
            ["RequestedExpiresAt"] = Time(r.ExpiresAt),
            ["Status"] = p.Status.ToString(),
            ["CreatedAt"] = Time(p.CreatedAt),
            ["ExpiresAt"] = Time(p.ExpiresAt),
            ["EndedAt"] = Time(p.EndedAt),
            ["EndedBy"] = p.EndedBy,
            ["TradeSequence"] = p.TradeSequence,
        };
    }

    public static TradeProposal ToProposal(TableEntity e)
    {
        var market = new MarketId(RegionCode.Parse(e.GetString("Region")), Enum.Parse<Pollutant>(e.GetString("Pollutant")));
        var request = new ProposalRequest(market, Holder.Parse(e.GetString("Seller")), Holder.Parse(e.GetString("Buyer")),
            Quantity.FromGrams(e.GetInt64("Grams")!.Value), Money.FromFen(e.GetInt64("UnitPriceFen")!.Value), e.GetInt32("TermYears")!.Value,
            Enum.Parse<TradeMethod>(e.GetString("Method")), Money.FromFen(e.GetInt64("AmountFen")!.Value), e.GetString("Reference"),
            Holder.Parse(e.GetString("ProposedBy")), Time(e, "RequestedExpiresAt"));
        return new TradeProposal(e.GetInt64("Number")!.Value, request, Enum.Parse<ProposalStatus>(e.GetString("Status")),
            Time(e, "CreatedAt")!.Value, Time(e, "ExpiresAt")!.Value, Time(e, "EndedAt"), e.GetString("EndedBy"), e.GetInt64("TradeSequence"));
    }

    public static TableEntity IdempotencyEntity(MarketId market, IdempotencyRecord r) => new(market.Key, Idempotency(r.CallerKeyHash))
    {
        ["Fingerprint"] = r.Fingerprint,
        ["ResourceId"] = r.ResourceId,
        ["Answer"] = r.Answer,
    };

    public static IdempotencyRecord ToIdempotency(string callerKeyHash, TableEntity e) =>
        new(callerKeyHash, e.GetString("Fingerprint"), e.GetString("ResourceId"), e.GetString("Answer"));

    public static TableEntity AuditEntity(AuditRecord a) => new(a.Partition, Audit(a.Number))
    {
        ["Number"] = a.Number,
        ["Action"] = a.Action,
        ["Subject"] = a.Subject,
        ["Who"] = a.Who,
        ["At"] = Time(a.At),
        ["TraceId"] = a.TraceId,
        ["Details"] = a.Details,
    };

    public static AuditRecord ToAudit(string partition, TableEntity e) => new(partition, e.GetInt64("Number")!.Value, e.GetString("Action"),
        e.GetString("Subject"), e.GetString("Who"), Time(e, "At")!.Value, e.GetString("TraceId"), e.GetString("Details"));

    /// <summary>An event's row in its partition (<c>event:{n}</c>, or <c>~event:{n}</c> in a register).</summary>
    public static TableEntity EventEntity(EventRecord e, BookLayout layout) => new(e.Partition, layout.Event(e.Partition, e.Number))
    {
        ["Number"] = e.Number,
        ["Id"] = e.Id,
        ["Type"] = e.Type,
        ["Recipient"] = e.Recipient,
        ["At"] = Time(e.At),
        ["Data"] = e.Data,
    };

    public static EventRecord ToEvent(string partition, TableEntity e) => new(partition, e.GetInt64("Number")!.Value, e.GetString("Id"), e.GetString("Type"),
        e.GetString("Recipient"), Time(e, "At")!.Value, e.GetString("Data"));

    public static TableEntity MonthEntity(MarketId market, MonthCounter m) => new(market.Key, Month(m.Month))
    {
        ["Month"] = m.Month.ToString(),
        ["Trades"] = m.Trades,
        ["Grams"] = m.Grams,
        ["Fen"] = m.Fen,
        ["Closed"] = m.Closed,
        ["GramYears"] = m.GramYears,
        ["LowFen"] = m.LowFen,
        ["HighFen"] = m.HighFen,
        ["BandTrades"] = m.BandTrades,
        ["BandFen"] = m.BandFen,
        ["BandGramYears"] = m.BandGramYears,
    };

    /// <summary>
    /// A month counter; a row written before in-band sums existed (no <c>BandTrades</c>) had no out-of-band trade, so its
    /// in-band sums are its sums.
    /// </summary>
    public static MonthCounter ToMonth(ReportingMonth month, TableEntity? e)
    {
        if (e is null) return MonthCounter.Empty(month);
        var (trades, fen, gramYears) = (e.GetInt64("Trades") ?? 0, e.GetInt64("Fen") ?? 0, e.GetInt64("GramYears") ?? 0);
        return new MonthCounter(month, trades, e.GetInt64("Grams") ?? 0, fen, e.GetBoolean("Closed") ?? false,
            gramYears, e.GetInt64("LowFen") ?? 0, e.GetInt64("HighFen") ?? 0,
            e.GetInt64("BandTrades") ?? trades, e.GetInt64("BandFen") ?? fen, e.GetInt64("BandGramYears") ?? gramYears);
    }

    public static string Day(DateOnly day) => "day:" + day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static TableEntity DayEntity(MarketId market, DayCounter d) => new(market.Key, Day(d.Day))
    {
        ["Trades"] = d.Trades,
        ["Fen"] = d.Fen,
        ["GramYears"] = d.GramYears,
        ["BandTrades"] = d.BandTrades,
        ["BandFen"] = d.BandFen,
        ["BandGramYears"] = d.BandGramYears,
        ["FirstSeller"] = d.FirstSeller,
        ["SecondSeller"] = d.SecondSeller,
    };

    /// <summary>
    /// A day counter. A row written before in-band sums existed (no <c>BandTrades</c>) had no out-of-band trade but did not
    /// keep its sellers: its trades count as in band with no known seller, so they add to a price's sums but a price
    /// still needs two sellers seen since (the cautious reading).
    /// </summary>
    public static DayCounter ToDay(DateOnly day, TableEntity? e)
    {
        if (e is null) return DayCounter.Empty(day);
        var (trades, fen, gramYears) = (e.GetInt64("Trades") ?? 0, e.GetInt64("Fen") ?? 0, e.GetInt64("GramYears") ?? 0);
        return new DayCounter(day, trades, fen, gramYears, e.GetInt64("BandTrades") ?? trades, e.GetInt64("BandFen") ?? fen,
            e.GetInt64("BandGramYears") ?? gramYears, e.GetString("FirstSeller"), e.GetString("SecondSeller"));
    }

    public static DateOnly DayOfRow(string rowKey) => DateOnly.ParseExact(rowKey["day:".Length..], "yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static string Listing(long number) => $"listing:{number:D10}";
    public const string ListingFirst = "listing:";
    public const string ListingLast = "listing;";

    public static TableEntity ListingEntity(Listing l) => new(l.Market.Key, Listing(l.Number))
    {
        ["Id"] = l.Id,
        ["Number"] = l.Number,
        ["Region"] = l.Market.Region.Value,
        ["Pollutant"] = l.Market.Pollutant.ToString(),
        ["Seller"] = l.Request.Seller.Value,
        ["Grams"] = l.Request.Quantity.Grams,
        ["UnitPriceFen"] = l.Request.UnitPrice.Fen,
        ["TermYears"] = l.Request.TermYears,
        ["MinLotGrams"] = l.Request.MinLot.Grams,
        ["RequestedExpiresAt"] = Time(l.Request.ExpiresAt),
        ["RemainingGrams"] = l.Remaining.Grams,
        ["Status"] = l.Status.ToString(),
        ["CreatedAt"] = Time(l.CreatedAt),
        ["CreatedBy"] = l.CreatedBy,
        ["ExpiresAt"] = Time(l.ExpiresAt),
        ["EndedAt"] = Time(l.EndedAt),
        ["EndedBy"] = l.EndedBy,
    };

    public static Listing ToListing(MarketId market, TableEntity e)
    {
        var request = new ListingRequest(market, Holder.Parse(e.GetString("Seller")), Quantity.FromGrams(e.GetInt64("Grams")!.Value),
            Money.FromFen(e.GetInt64("UnitPriceFen")!.Value), e.GetInt32("TermYears")!.Value, Quantity.FromGrams(e.GetInt64("MinLotGrams")!.Value),
            Time(e, "RequestedExpiresAt"));
        return new Listing(e.GetInt64("Number")!.Value, request, Quantity.FromGrams(e.GetInt64("RemainingGrams")!.Value),
            Enum.Parse<ListingStatus>(e.GetString("Status")), Time(e, "CreatedAt")!.Value, e.GetString("CreatedBy"), Time(e, "ExpiresAt")!.Value,
            Time(e, "EndedAt"), e.GetString("EndedBy"));
    }

    public static string Auction(long number) => $"auction:{number:D10}";
    public const string AuctionFirst = "auction:";
    public const string AuctionLast = "auction;";

    public static TableEntity AuctionEntity(Auction a) => new(a.Market.Key, Auction(a.Number))
    {
        ["Id"] = a.Id,
        ["Number"] = a.Number,
        ["Grams"] = a.Request.Quantity.Grams,
        ["TermYears"] = a.Request.TermYears,
        ["StartFen"] = a.Request.StartPrice.Fen,
        ["IncrementFen"] = a.Request.Increment.Fen,
        ["MinLotGrams"] = a.Request.MinLot.Grams,
        ["OpensAt"] = Time(a.Request.OpensAt),
        ["ClosesAt"] = Time(a.Request.ClosesAt),
        ["Status"] = a.Status.ToString(),
        ["CreatedAt"] = Time(a.CreatedAt),
        ["CreatedBy"] = a.CreatedBy,
        ["Bids"] = a.Bids,
        ["BestFen"] = a.BestPrice?.Fen,
        ["Settled"] = a.Settled,
        ["SoldGrams"] = a.Sold.Grams,
        ["ClosedAt"] = Time(a.ClosedAt),
        ["Notified"] = a.Notified,
    };

    public static Auction ToAuction(MarketId market, TableEntity e)
    {
        var request = new AuctionRequest(market, Quantity.FromGrams(e.GetInt64("Grams")!.Value), e.GetInt32("TermYears")!.Value,
            Money.FromFen(e.GetInt64("StartFen")!.Value), Money.FromFen(e.GetInt64("IncrementFen")!.Value), Quantity.FromGrams(e.GetInt64("MinLotGrams")!.Value),
            Time(e, "OpensAt")!.Value, Time(e, "ClosesAt")!.Value);
        return new Auction(e.GetInt64("Number")!.Value, request, Enum.Parse<AuctionStatus>(e.GetString("Status")), Time(e, "CreatedAt")!.Value,
            e.GetString("CreatedBy"), e.GetInt64("Bids") ?? 0, e.GetInt64("BestFen") is { } best ? Money.FromFen(best) : null,
            e.GetInt32("Settled") ?? 0, Quantity.FromGrams(e.GetInt64("SoldGrams") ?? 0), Time(e, "ClosedAt"),
            e.GetInt32("Notified") ?? 0);
    }

    public static string Bid(long auction, Holder bidder) => $"bid:{auction:D10}:{bidder.Value}";
    public static string BidsFirst(long auction) => $"bid:{auction:D10}:";
    public static string BidsLast(long auction) => $"bid:{auction:D10};";

    public static TableEntity BidEntity(MarketId market, Bid b) => new(market.Key, Bid(b.Auction, b.Bidder))
    {
        ["Auction"] = b.Auction,
        ["Bidder"] = b.Bidder.Value,
        ["Grams"] = b.Quantity.Grams,
        ["UnitPriceFen"] = b.UnitPrice.Fen,
        ["PlacedAt"] = Time(b.PlacedAt),
        ["FilledGrams"] = b.Filled?.Grams,
        ["TradeSequence"] = b.TradeSequence,
    };

    public static Bid ToBid(TableEntity e) => new(e.GetInt64("Auction")!.Value, Holder.Parse(e.GetString("Bidder")), Quantity.FromGrams(e.GetInt64("Grams")!.Value),
        Money.FromFen(e.GetInt64("UnitPriceFen")!.Value), Time(e, "PlacedAt")!.Value,
        e.GetInt64("FilledGrams") is { } filled ? Quantity.FromGrams(filled) : null, e.GetInt64("TradeSequence"));

    public const string MonthFirst = "month:";
    public const string MonthLast = "month;";

    public static TableEntity TradeEntity(Trade t, string rowKey)
    {
        var r = t.Request;
        return new TableEntity(Terms(r.Market, r.Seller, r.Buyer, r.Quantity, r.UnitPrice, r.TermYears, r.Method, r.Amount, r.Reference))
        {
            PartitionKey = r.Market.Key,
            RowKey = rowKey,
            ["Sequence"] = t.Sequence,
            ["TradedAt"] = r.TradedAt.ToString("O", CultureInfo.InvariantCulture),
            ["Month"] = r.Month.ToString(),
            ["RecordedAt"] = t.RecordedAt.ToString("O", CultureInfo.InvariantCulture),
            ["RecordedBy"] = t.RecordedBy,
            ["PreviousHash"] = t.PreviousHash,
            ["Hash"] = t.Hash,
            ["OutsideBand"] = t.OutsideBand,
        };
    }

    public static Trade ToTrade(TableEntity e)
    {
        var market = new MarketId(RegionCode.Parse(e.GetString("Region")), Enum.Parse<Pollutant>(e.GetString("Pollutant")));
        var seller = Holder.Parse(e.GetString("Seller"));
        var request = new TradeRequest(market, seller, Holder.Of(CreditCode.Parse(e.GetString("Buyer"))),
            Quantity.FromGrams(e.GetInt64("Grams")!.Value), Money.FromFen(e.GetInt64("UnitPriceFen")!.Value),
            e.GetInt32("TermYears")!.Value, Enum.Parse<TradeMethod>(e.GetString("Method")),
            DateTimeOffset.ParseExact(e.GetString("TradedAt"), "O", CultureInfo.InvariantCulture),
            Money.FromFen(e.GetInt64("AmountFen")!.Value), e.GetString("Reference"));
        return new Trade(new TradeId(market, e.GetInt64("Sequence")!.Value), request,
            DateTimeOffset.ParseExact(e.GetString("RecordedAt"), "O", CultureInfo.InvariantCulture),
            e.GetString("RecordedBy"), e.GetString("PreviousHash"), e.GetString("Hash"), e.GetBoolean("OutsideBand") ?? false);
    }

    public static TableEntity AllocationEntity(Allocation a) => new(a.Request.Market.Key, Allocation(a.Number))
    {
        ["Id"] = a.Id,
        ["Number"] = a.Number,
        ["Holder"] = a.Request.Holder.Value,
        ["Grams"] = a.Request.Quantity.Grams,
        ["Reference"] = a.Request.Reference,
        ["RecordedAt"] = Time(a.RecordedAt),
        ["RecordedBy"] = a.RecordedBy,
        ["RevokedGrams"] = a.Revoked?.Quantity.Grams,
        ["RevokedReason"] = a.Revoked?.Reason,
        ["RevokedAt"] = Time(a.Revoked?.At),
        ["RevokedBy"] = a.Revoked?.By,
    };

    public static Allocation ToAllocation(MarketId market, TableEntity e)
    {
        var request = new AllocationRequest(market, Holder.Parse(e.GetString("Holder")), Quantity.FromGrams(e.GetInt64("Grams")!.Value), e.GetString("Reference"));
        var revoked = e.GetInt64("RevokedGrams") is { } grams
            ? new Revocation(Quantity.FromGrams(grams), e.GetString("RevokedReason"), Time(e, "RevokedAt")!.Value, e.GetString("RevokedBy"))
            : null;
        return new Allocation(e.GetInt64("Number")!.Value, request, Time(e, "RecordedAt")!.Value, e.GetString("RecordedBy"), revoked);
    }

    /// <summary>The columns of a trade's terms, shared by trade rows and proposal rows.</summary>
    private static Dictionary<string, object?> Terms(MarketId market, Holder seller, Holder buyer, Quantity quantity, Money unitPrice, int termYears,
        TradeMethod method, Money amount, string? reference) => new()
    {
        ["Region"] = market.Region.Value,
        ["Pollutant"] = market.Pollutant.ToString(),
        ["Seller"] = seller.Value,
        ["Buyer"] = buyer.Value,
        ["Grams"] = quantity.Grams,
        ["UnitPriceFen"] = unitPrice.Fen,
        ["TermYears"] = termYears,
        ["Method"] = method.ToString(),
        ["AmountFen"] = amount.Fen,
        ["Reference"] = reference,
    };

    /// <summary>The entities a change writes, with the action: create, or replace under If-Match.</summary>
    public static IEnumerable<TableTransactionAction> Actions(MarketId market, RowChange change)
    {
        foreach (var entity in change.Row.Accept(new Entities(market)))
        {
            if (entity.PartitionKey != market.Key) throw new InvalidOperationException("a ledger transaction never spans partitions");
            yield return change.IfMatch is { } etag
                ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, entity, new ETag(etag))
                : new TableTransactionAction(TableTransactionActionType.Add, entity);
        }
    }

    /// <summary>The entities of each kind of row of a market's partition (a trade is written twice: by sequence and by time).</summary>
    private sealed class Entities(MarketId market) : IRowVisitor<TableEntity[]>
    {
        public TableEntity[] Visit(IdempotencyRecord row) => [IdempotencyEntity(market, row)];
        public TableEntity[] Visit(AuditRecord row) => [AuditEntity(row)];
        public TableEntity[] Visit(EventRecord row) => [EventEntity(row, BookLayout.Plain)];
        public TableEntity[] Visit(MarketHead row) => [HeadEntity(market, row)];
        public TableEntity[] Visit(Core.Ledger.Holding row) => [HoldingEntity(market, row)];
        public TableEntity[] Visit(MonthCounter row) => [MonthEntity(market, row)];
        public TableEntity[] Visit(DayCounter row) => [DayEntity(market, row)];
        public TableEntity[] Visit(Core.Ledger.Trade row) => [TradeEntity(row, Trade(row.Sequence)), TradeEntity(row, ByTime(market, row.Request.TradedAt, row.Sequence))];
        public TableEntity[] Visit(TradeProposal row) => [ProposalEntity(row)];
        public TableEntity[] Visit(Core.Finance.Pledge row) => [PledgeEntity(row)];
        public TableEntity[] Visit(Core.Ledger.Allocation row) => [AllocationEntity(row)];
        public TableEntity[] Visit(Core.Market.Listing row) => [ListingEntity(row)];
        public TableEntity[] Visit(Core.Market.Auction row) => [AuctionEntity(row)];
        public TableEntity[] Visit(Core.Market.Bid row) => [BidEntity(market, row)];
        public TableEntity[] Visit(BankHead row) => throw NotOfBook(row);
        public TableEntity[] Visit(LoanApplication row) => throw NotOfBook(row);
        public TableEntity[] Visit(Loan row) => throw NotOfBook(row);
        public TableEntity[] Visit(Core.Registers.RegisterHead row) => throw NotOfBook(row);
        public TableEntity[] Visit(Core.Keys.ApiKey row) => throw NotOfBook(row);
        public TableEntity[] Visit(Core.Enterprises.RegisteredEnterprise row) => throw NotOfBook(row);
        public TableEntity[] Visit(Core.Finance.LoanProduct row) => throw NotOfBook(row);
        public TableEntity[] Visit(Core.Enterprises.ImportJobStarted row) => throw NotOfBook(row);
        public TableEntity[] Visit(Core.Alerts.Alert row) => throw NotOfBook(row);
        public TableEntity[] Visit(Core.Alerts.EmergencyPlan row) => throw NotOfBook(row);
        public TableEntity[] Visit(Core.Alerts.IndustryRuleSet row) => throw NotOfBook(row);

        private static InvalidOperationException NotOfBook(object row) => new($"a {row.GetType().Name} is not a row of a market");
    }
}

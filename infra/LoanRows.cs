using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Trading.Core.Access;
using Trading.Core.Ledger;
using Trading.Core.Loans;
using Trading.Core.Primitives;

using Trading.Core.Writes;

namespace Trading.Infra;

/// <summary>Row keys and entity mapping of the loans table: one partition per bank (its head, applications, loans, idempotency records).</summary>
internal static class LoanRows
{
    public const string Head = "head";
    public static string Application(long n) => $"app:{n:D10}";
    public static string Loan(long n) => $"loan:{n:D10}";
    public const string LoanFirst = "loan:";
    public const string LoanLast = "loan;";
    public const string ApplicationFirst = "app:";
    public const string ApplicationLast = "app;";

    private static string? Time(DateTimeOffset? t) => t?.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);
    private static DateTimeOffset? Time(TableEntity e, string name) => e.GetString(name) is { } s ? DateTimeOffset.ParseExact(s, "O", CultureInfo.InvariantCulture) : null;

    public static TableEntity HeadEntity(BankId bank, BankHead h) => new(bank.Value, Head) { ["Applications"] = h.Applications, ["Loans"] = h.Loans, ["AuditCount"] = h.AuditCount, ["EventCount"] = h.EventCount };
    public static BankHead ToHead(TableEntity e) => new(e.GetInt64("Applications") ?? 0, e.GetInt64("Loans") ?? 0, e.GetInt64("AuditCount") ?? 0, e.GetInt64("EventCount") ?? 0);

    public static TableEntity ApplicationEntity(LoanApplication a) => new(a.Bank.Value, Application(a.Number))
    {
        ["Number"] = a.Number,
        ["ProductId"] = a.ProductId,
        ["Applicant"] = a.Applicant.Value,
        ["Fen"] = a.Amount.Fen,
        ["Purpose"] = a.Purpose,
        ["Status"] = a.Status.ToString(),
        ["CreatedAt"] = Time(a.CreatedAt),
        ["DecidedAt"] = Time(a.DecidedAt),
        ["DecidedBy"] = a.DecidedBy,
        ["Reason"] = a.Reason,
        ["LoanId"] = a.LoanId,
        ["OfferMarket"] = a.Offer?.Market.Key,
        ["OfferGrams"] = a.Offer?.Quantity.Grams,
        ["OfferPledge"] = a.Offer?.Pledge,
        ["OfferEnded"] = a.OfferEnded,
        ["Approval"] = a.Approval is { } p ? TradingJson.Serialize(new ApprovalRow(p.Terms.Amount.Fen, p.Terms.AnnualRatePct, p.Terms.TermMonths, Time(p.Terms.GrantedAt)!,
            p.Taken?.Grams, p.LoanNumber, p.BorrowerRegion.Value, Time(p.At)!, p.By)) : null,
        ["Pending"] = a.Pending,
    };

    /// <summary>The bank's recorded approval of a pledge loan, as stored (one JSON column).</summary>
    private sealed record ApprovalRow(long Fen, decimal AnnualRatePct, int TermMonths, string GrantedAt, long? TakenGrams, long LoanNumber, string BorrowerRegion,
        string At, string By);

    private static PledgeOffer? ToOffer(TableEntity e) => e.GetString("OfferMarket") is { } m && MarketId.TryParse(m, out var market) && market is { } id
        ? new PledgeOffer(id, Quantity.FromGrams(e.GetInt64("OfferGrams")!.Value), e.GetInt64("OfferPledge"))
        : null;

    private static LoanApproval? ToApproval(TableEntity e)
    {
        if (e.GetString("Approval") is not { } json) return null;
        var r = TradingJson.Deserialize<ApprovalRow>(json)!;
        var at = (string t) => DateTimeOffset.ParseExact(t, "O", CultureInfo.InvariantCulture);
        return new LoanApproval(new LoanTerms(Money.FromFen(r.Fen), r.AnnualRatePct, r.TermMonths, at(r.GrantedAt)), r.TakenGrams is { } g ? Quantity.FromGrams(g) : null,
            r.LoanNumber, RegionCode.Parse(r.BorrowerRegion), at(r.At), r.By);
    }

    public static LoanApplication ToApplication(BankId bank, TableEntity e) => new(bank, e.GetInt64("Number")!.Value, e.GetString("ProductId"),
        CreditCode.Parse(e.GetString("Applicant")), Money.FromFen(e.GetInt64("Fen")!.Value), e.GetString("Purpose"), Enum.Parse<ApplicationStatus>(e.GetString("Status")),
        Time(e, "CreatedAt")!.Value, Time(e, "DecidedAt"), e.GetString("DecidedBy"), e.GetString("Reason"), e.GetString("LoanId"),
        ToOffer(e), ToApproval(e), e.GetBoolean("OfferEnded") ?? false);

    public static TableEntity LoanEntity(Loan l) => new(l.Bank.Value, Loan(l.Number))
    {
        ["Number"] = l.Number,
        ["Borrower"] = l.Borrower.Value,
        ["BorrowerRegion"] = l.BorrowerRegion.Value,
        ["ProductId"] = l.ProductId,
        ["Fen"] = l.Amount.Fen,
        ["AnnualRatePct"] = l.AnnualRatePct.ToString(CultureInfo.InvariantCulture),
        ["TermMonths"] = l.TermMonths,
        ["GrantedAt"] = Time(l.GrantedAt),
        ["Month"] = l.Month.ToString(),
        ["Reference"] = l.Reference,
        ["Status"] = l.Status.ToString(),
        ["RecordedAt"] = Time(l.RecordedAt),
        ["RecordedBy"] = l.RecordedBy,
        ["ApplicationId"] = l.ApplicationId,
        ["PledgeId"] = l.PledgeId,
        ["RepaidAt"] = Time(l.RepaidAt),
        ["PledgeReleased"] = l.PledgeReleased,
        ["Pending"] = l.Pending,
    };

    public static Loan ToLoan(BankId bank, TableEntity e) => new(bank, e.GetInt64("Number")!.Value, CreditCode.Parse(e.GetString("Borrower")),
        RegionCode.Parse(e.GetString("BorrowerRegion")), e.GetString("ProductId"), Money.FromFen(e.GetInt64("Fen")!.Value),
        decimal.Parse(e.GetString("AnnualRatePct"), CultureInfo.InvariantCulture), e.GetInt32("TermMonths")!.Value, Time(e, "GrantedAt")!.Value, e.GetString("Reference"),
        Enum.Parse<LoanStatus>(e.GetString("Status")), Time(e, "RecordedAt")!.Value, e.GetString("RecordedBy"), e.GetString("ApplicationId"), e.GetString("PledgeId"),
        Time(e, "RepaidAt"), e.GetBoolean("PledgeReleased") ?? false);

    public static TableTransactionAction Action(BankId bank, RowChange change)
    {
        var entity = change.Row.Accept(new Entities(bank));
        if (entity.PartitionKey != bank.Value) throw new InvalidOperationException("a bank's transaction never spans partitions");
        return change.IfMatch is { } etag
            ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, entity, new ETag(etag))
            : new TableTransactionAction(TableTransactionActionType.Add, entity);
    }

    /// <summary>The entity of each kind of row of a bank's book.</summary>
    private sealed class Entities(BankId bank) : IRowVisitor<TableEntity>
    {
        public TableEntity Visit(IdempotencyRecord row) => new(bank.Value, LedgerRows.Idempotency(row.CallerKeyHash))
        {
            ["Fingerprint"] = row.Fingerprint, ["ResourceId"] = row.ResourceId, ["Answer"] = row.Answer,
        };
        public TableEntity Visit(AuditRecord row) => LedgerRows.AuditEntity(row);
        public TableEntity Visit(EventRecord row) => LedgerRows.EventEntity(row, BookLayout.Plain);
        public TableEntity Visit(BankHead row) => HeadEntity(bank, row);
        public TableEntity Visit(LoanApplication row) => ApplicationEntity(row);
        public TableEntity Visit(Loan row) => LoanEntity(row);
        public TableEntity Visit(MarketHead row) => throw NotOfBook(row);
        public TableEntity Visit(Core.Ledger.Holding row) => throw NotOfBook(row);
        public TableEntity Visit(MonthCounter row) => throw NotOfBook(row);
        public TableEntity Visit(DayCounter row) => throw NotOfBook(row);
        public TableEntity Visit(Core.Ledger.Trade row) => throw NotOfBook(row);
        public TableEntity Visit(TradeProposal row) => throw NotOfBook(row);
        public TableEntity Visit(Core.Finance.Pledge row) => throw NotOfBook(row);
        public TableEntity Visit(Core.Ledger.Allocation row) => throw NotOfBook(row);
        public TableEntity Visit(Core.Market.Listing row) => throw NotOfBook(row);
        public TableEntity Visit(Core.Market.Auction row) => throw NotOfBook(row);
        public TableEntity Visit(Core.Market.Bid row) => throw NotOfBook(row);
        public TableEntity Visit(Core.Registers.RegisterHead row) => throw NotOfBook(row);
        public TableEntity Visit(Core.Keys.ApiKey row) => throw NotOfBook(row);
        public TableEntity Visit(Core.Enterprises.RegisteredEnterprise row) => throw NotOfBook(row);
        public TableEntity Visit(Core.Finance.LoanProduct row) => throw NotOfBook(row);
        public TableEntity Visit(Core.Enterprises.ImportJobStarted row) => throw NotOfBook(row);
        public TableEntity Visit(Core.Alerts.Alert row) => throw NotOfBook(row);
        public TableEntity Visit(Core.Alerts.EmergencyPlan row) => throw NotOfBook(row);
        public TableEntity Visit(Core.Alerts.IndustryRuleSet row) => throw NotOfBook(row);

        private static InvalidOperationException NotOfBook(object row) => new($"a {row.GetType().Name} is not a row of a bank's book");
    }
}

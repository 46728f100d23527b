using Azure;
using Azure.Data.Tables;
using Trading.Core.Enterprises;
using Trading.Core.Finance;
using Trading.Core.Keys;
using Trading.Core.Ledger;
using Trading.Core.Registers;
using Trading.Core.Writes;

namespace Trading.Infra;

/// <summary>The entity of each kind of row of a register's partition (keys, enterprises, products, import jobs).</summary>
internal sealed class RegisterEntities(string partition) : IRowVisitor<TableEntity>
{
    private static readonly BookLayout Layout = BookLayout.Register;

    public static TableTransactionAction Action(string partition, RowChange change)
    {
        var entity = change.Row.Accept(new RegisterEntities(partition));
        if (entity.PartitionKey != partition) throw new InvalidOperationException("a register's transaction never spans partitions");
        return change.IfMatch is { } etag
            ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, entity, new ETag(etag))
            : new TableTransactionAction(TableTransactionActionType.Add, entity);
    }

    public TableEntity Visit(IdempotencyRecord row) => new(partition, Layout.Idempotency(row.CallerKeyHash))
    {
        ["Fingerprint"] = row.Fingerprint, ["ResourceId"] = row.ResourceId, ["Answer"] = row.Answer,
    };

    public TableEntity Visit(AuditRecord row)
    {
        var entity = LedgerRows.AuditEntity(row);
        entity.RowKey = Layout.Audit(partition, row.Number);
        return entity;
    }

    public TableEntity Visit(RegisterHead row) => new(partition, Layout.Head(partition)) { ["AuditCount"] = row.AuditCount, ["EventCount"] = row.EventCount, ["Numbered"] = row.Numbered };
    public TableEntity Visit(EventRecord row) => LedgerRows.EventEntity(row, Layout);
    public TableEntity Visit(ApiKey row) => ApiKeyStore.Entity(row);
    public TableEntity Visit(RegisteredEnterprise row) => TableEnterpriseStore.ProfileEntity(row.Enterprise);
    public TableEntity Visit(LoanProduct row) => ProductStore.ToEntity(row);
    public TableEntity Visit(ImportJobStarted row) => EnterpriseImports.JobEntity(row);
    public TableEntity Visit(Core.Alerts.Alert row) => AlertRows.Entity(row);
    public TableEntity Visit(Core.Alerts.EmergencyPlan row) => AlertRows.Entity(row);
    public TableEntity Visit(Core.Alerts.IndustryRuleSet row) => AlertRows.Entity(row);

    public TableEntity Visit(MarketHead row) => throw NotOfBook(row);
    public TableEntity Visit(Core.Ledger.Holding row) => throw NotOfBook(row);
    public TableEntity Visit(MonthCounter row) => throw NotOfBook(row);
    public TableEntity Visit(DayCounter row) => throw NotOfBook(row);
    public TableEntity Visit(Core.Ledger.Trade row) => throw NotOfBook(row);
    public TableEntity Visit(TradeProposal row) => throw NotOfBook(row);
    public TableEntity Visit(Pledge row) => throw NotOfBook(row);
    public TableEntity Visit(Core.Ledger.Allocation row) => throw NotOfBook(row);
    public TableEntity Visit(Core.Market.Listing row) => throw NotOfBook(row);
    public TableEntity Visit(Core.Market.Auction row) => throw NotOfBook(row);
    public TableEntity Visit(Core.Market.Bid row) => throw NotOfBook(row);
    public TableEntity Visit(Core.Loans.BankHead row) => throw NotOfBook(row);
    public TableEntity Visit(Core.Loans.LoanApplication row) => throw NotOfBook(row);
    public TableEntity Visit(Core.Loans.Loan row) => throw NotOfBook(row);

    private static InvalidOperationException NotOfBook(object row) => new($"a {row.GetType().Name} is not a row of a register");
}

using System.Globalization;
using Azure.Data.Tables;
using Trading.Core.Access;
using Trading.Core.Finance;
using Trading.Core.Primitives;
using Trading.Core.Registers;
using Trading.Core.Writes;

namespace Trading.Infra;

/// <summary>
/// Loan products: partition = bank id, row = product id; the register's head, audit and idempotency rows sort after every
/// product id (<see cref="BookLayout.Register"/>), and lists read the range of product ids only. A PUT is the use case
/// <see cref="PutProduct"/> through the one shell on the book <see cref="Books.Products"/> (the audit record commits with
/// the row; an identical PUT writes nothing); the product's loan-match dirty mark is written before and touched after
/// (<see cref="RegisterHooks"/>).
/// </summary>
public sealed class ProductStore
{
    private readonly StorageContext storage;
    private readonly WriteShell<RegisterReads, RegisterSnapshot<LoanProduct>> _shell;

    public ProductStore(StorageContext storage, KeyBindings bindings, AuditMarks auditMarks, Microsoft.Extensions.Logging.ILogger<ProductStore> logger, TimeProvider time)
    {
        this.storage = storage;
        _shell = new(Books.Products, new TableRegisterRows<LoanProduct>(storage, Books.Products, FromEntity), bindings,
            new RegisterHooks(Books.Products, storage, auditMarks, logger), time);
    }

    /// <summary>Creates or replaces through <see cref="PutProduct"/> (that bank or admin, checked there).</summary>
    public async Task<ProductPut> PutAsync(LoanProduct p, Principal caller, Func<ProductPut, string> render, string? traceId, CancellationToken ct) =>
        (await _shell.ExecuteAsync(new PutProduct(p), caller, null, render, traceId, ct)).Answer!;

    public async Task<LoanProduct?> GetAsync(BankId bank, string productId, CancellationToken ct)
    {
        var row = await storage.Products.GetEntityIfExistsAsync<TableEntity>(bank.Value, productId, cancellationToken: ct);
        return row.HasValue && row.Value is not null ? FromEntity(row.Value) : null;
    }

    public async Task<List<LoanProduct>> ListAsync(BankId? bank, CancellationToken ct)
    {
        var filter = bank is { } b
            ? TableClient.CreateQueryFilter($"PartitionKey eq {b.Value} and RowKey lt {BookLayout.RegisterItemsEnd}")
            : TableClient.CreateQueryFilter($"RowKey lt {BookLayout.RegisterItemsEnd}");
        var result = new List<LoanProduct>();
        await foreach (var row in storage.Products.QueryAsync<TableEntity>(filter, cancellationToken: ct)) result.Add(FromEntity(row));
        return result;
    }

    internal static TableEntity ToEntity(LoanProduct p) => new(p.Bank.Value, p.ProductId)
    {
        ["Name"] = p.Name,
        ["MinGrade"] = p.MinGrade.ToString(),
        ["AllowUngraded"] = p.AllowUngraded,
        ["MinCreditRating"] = p.MinCreditRating.ToString(),
        ["RequirePositiveList"] = p.RequirePositiveList,
        ["Industries"] = string.Join(",", p.Industries.Order()),
        ["Regions"] = string.Join(",", p.Regions.Select(r => r.Value)),
        ["MinFen"] = p.MinAmount.Fen,
        ["MaxFen"] = p.MaxAmount.Fen,
        ["AnnualRatePct"] = p.AnnualRatePct.ToString(CultureInfo.InvariantCulture),
        ["TermMonths"] = p.TermMonths,
        ["PledgePollutants"] = p.Pledge is null ? null : string.Join(",", p.Pledge.Pollutants),
        ["LoanToValue"] = p.Pledge?.LoanToValue.ToString(CultureInfo.InvariantCulture),
        ["UpdatedAt"] = p.UpdatedAt,
    };

    internal static LoanProduct FromEntity(TableEntity e)
    {
        BankId.TryParse(e.PartitionKey, out var bank, out _);
        static IEnumerable<string> Split(string? s) => string.IsNullOrEmpty(s) ? [] : s.Split(',');
        var pollutants = e.GetString("PledgePollutants");
        return new LoanProduct(bank, e.RowKey, e.GetString("Name"), Enum.Parse<PerformanceGrade>(e.GetString("MinGrade")), e.GetBoolean("AllowUngraded") ?? false,
            Enum.Parse<CreditRating>(e.GetString("MinCreditRating")), e.GetBoolean("RequirePositiveList") ?? false,
            Split(e.GetString("Industries")).Select(Enum.Parse<Industry>).ToHashSet(), Split(e.GetString("Regions")).Select(RegionPrefix.Parse).ToList(),
            Money.FromFen(e.GetInt64("MinFen")!.Value), Money.FromFen(e.GetInt64("MaxFen")!.Value),
            decimal.Parse(e.GetString("AnnualRatePct"), CultureInfo.InvariantCulture), e.GetInt32("TermMonths")!.Value,
            pollutants is null ? null : new PledgeTerms(Split(pollutants).Select(Enum.Parse<Pollutant>).ToList(), decimal.Parse(e.GetString("LoanToValue"), CultureInfo.InvariantCulture)),
            e.GetDateTimeOffset("UpdatedAt") ?? DateTimeOffset.MinValue);
    }
}

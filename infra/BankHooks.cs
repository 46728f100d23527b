using System.Collections.Concurrent;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Trading.Core.Access;
using Trading.Core.Ledger;
using Trading.Core.Loans;
using Trading.Core.Writes;

namespace Trading.Infra;

/// <summary>
/// What a write to a bank's book does around its commit. Before: the bank in the list of banks, a new application or loan
/// in its parties' lists, the pending audit mark (and event mark, when it sends events; and the loan-counter mark, when it creates a loan; the due index entries of a step left or a new application's 30 days). After: the loan figures count a new loan (the CountLoans timer catches
/// up if this fails).
/// </summary>
public sealed class BankHooks(StorageContext storage, OfferIndex offers, LoanFigures figures, AuditMarks auditMarks, EventMarks eventMarks, ILogger<BankHooks> logger,
    DueIndex due)
    : IWriteHooks
{
    /// <summary>The partition of the markets table that lists every bank with a book.</summary>
    public const string BanksPartition = "bank";

    private readonly ConcurrentDictionary<string, bool> _indexed = new(StringComparer.Ordinal);
    private readonly StorageContext _storage = storage;
    private readonly OfferIndex _offers = offers;
    private readonly LoanFigures _figures = figures;
    private readonly AuditMarks _auditMarks = auditMarks;
    private readonly EventMarks _eventMarks = eventMarks;
    private readonly ILogger<BankHooks> _logger = logger;
    private readonly DueIndex _due = due;

    public IDisposable? Trace(string action, string partition)
    {
        var activity = Telemetry.Source.StartActivity("bank.write " + action);
        activity?.SetTag("trading.bank", partition);
        return activity;
    }

    public IWriteEffects Start(string partition) =>
        new Effects(this, BankId.TryParse(partition, out var bank, out _) ? bank : throw new InvalidOperationException($"{partition} is not a bank"));

    public void Retried(string action) => Telemetry.Retries.Add(1, new KeyValuePair<string, object?>("trading.action", action));

    private sealed class Effects(BankHooks hooks, BankId bank) : IWriteEffects
    {
        public async Task BeforeCommitAsync(IReadOnlyList<RowChange> changes, CancellationToken ct)
        {
            var marking = Task.WhenAll(hooks._auditMarks.MarkAsync(Books.Loans, bank.Value, ct),
                changes.Any(c => c.Row is EventRecord) ? hooks._eventMarks.MarkAsync(Books.Loans, bank.Value, ct) : Task.CompletedTask,
                changes.Any(c => c.Row is Loan && c.IfMatch is null) ? hooks._figures.MarkAsync(bank, ct) : Task.CompletedTask,
                hooks._due.MarkBankAsync(bank, changes, ct));
            try
            {
                if (hooks._indexed.TryAdd(bank.Value, true))
                    await hooks._storage.Markets.UpsertEntityAsync(new TableEntity(BanksPartition, bank.Value), TableUpdateMode.Merge, ct);
                foreach (var change in changes.Where(c => c.IfMatch is null))
                {
                    switch (change.Row)
                    {
                        case LoanApplication a:
                            await hooks._offers.AddAsync(OfferIndex.Applications, a.Id, null, null, OfferIndex.NewestFirst(a.CreatedAt),
                                ["bank:" + bank.Value, "holder:" + a.Applicant.Value], ct);
                            break;
                        case Loan l:
                            await hooks._offers.AddAsync(OfferIndex.Loans, l.Id, l.BorrowerRegion, null, OfferIndex.NewestFirst(l.GrantedAt),
                                ["bank:" + bank.Value, "holder:" + l.Borrower.Value], ct);
                            break;
                    }
                }
            }
            catch
            {
                hooks._indexed.TryRemove(bank.Value, out _);
                await marking.ContinueWith(_ => { }, TaskScheduler.Default);
                throw;
            }
            await marking;
        }

        public async Task AfterCommitAsync(string action, IReadOnlyList<RowChange> changes, CancellationToken ct)
        {
            await MarketHooks.AuditMarkAfterCommitAsync(hooks._auditMarks, Books.Loans, bank.Value);
            if (!changes.Any(c => c.Row is Loan { Status: LoanStatus.Granted } && c.IfMatch is null)) return;
            try { await hooks._figures.CountAsync(bank, ct); }
            catch (Exception ex) when (StorageFault.Is(ex))
            {
                hooks._logger.LogWarning(ex, "After {Action} committed in {Bank}: the loan counters catch up at the next CountLoans run", action, bank);
            }
        }
    }
}

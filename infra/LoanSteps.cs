using Azure.Data.Tables;
using Trading.Core;
using Trading.Core.Access;
using Trading.Core.Finance;
using Trading.Core.Ledger;
using Trading.Core.Loans;
using Trading.Core.Primitives;

namespace Trading.Infra;

/// <summary>
/// The loan process's port on storage: its steps run through the writers (one partition transaction each), its reads
/// are point reads. Also the finisher that the <c>ExpireProposals</c> timer runs (every application or repaid loan with a
/// step left, found by its <c>Pending</c> column, plus submitted applications past their 30 days), and the readers'
/// resolution of the states in between (<see cref="LoanGrant.Resolve"/>).
/// </summary>
public sealed class LoanSteps(MarketWriter markets, BankWriter banks, TableLedger ledger, StorageContext storage, OfferIndex offers, TimeProvider time) : ILoanSteps
{
    public DateTimeOffset Now => time.GetUtcNow();

    public Task<LoanApplication?> ApplicationAsync(BankId bank, long number, CancellationToken ct) => banks.GetApplicationAsync(bank, number, ct);

    public Task<Loan?> LoanAsync(BankId bank, long number, CancellationToken ct) => banks.GetLoanAsync(bank, number, ct);

    public Task<Pledge?> PledgeAsync(MarketId market, long number, CancellationToken ct) => ledger.GetPledgeAsync(market, number, ct);

    public async Task<string> MarketAsync(IMarketUseCase<Pledge> step, Principal by, string? idempotencyKey, CancellationToken ct)
    {
        // The activation is the moment the loan exists for readers: it is in the loan lists before (as BankWriter lists a
        // loan before its commit); a list shows it once the pledge is active (LoanAsReadAsync).
        if (step is Core.Loans.UseCases.ActivateOffer { Application: { Approval: { } a } application })
            await offers.AddAsync(OfferIndex.Loans, Loan.IdOf(application.Bank, a.LoanNumber), a.BorrowerRegion, null, OfferIndex.NewestFirst(a.Terms.GrantedAt),
                ["bank:" + application.Bank.Value, "holder:" + application.Applicant.Value], ct);
        var outcome = await markets.ExecuteAsync(step, by, idempotencyKey, p => TradingJson.Serialize(p.Id), null, ct);
        return outcome.ResourceId ?? outcome.Answer?.Id ?? throw new InvalidOperationException($"{step.Action} answered no pledge");
    }

    public async Task BankAsync<T>(IBankUseCase<T> step, Principal by, CancellationToken ct) =>
        await banks.ExecuteAsync(step, by, null, _ => "{}", null, ct);

    public Task<LoanApplication?> SettleAsync(BankId bank, long number, CancellationToken ct) => LoanProcess.SettleAsync(this, bank, number, ct);

    public Task<Loan?> SettleLoanAsync(BankId bank, long number, CancellationToken ct) => LoanProcess.SettleLoanAsync(this, bank, number, ct);

    /// <summary>The application as readers see it, with its loan when granted, and its offer's pledge (null: not visible).</summary>
    public async Task<(LoanApplication Application, Loan? Loan)?> ResolveAsync(LoanApplication application, CancellationToken ct)
    {
        Pledge? offer = null;
        if (application is { Status: ApplicationStatus.Approving, Offer: { Pledge: { } n } o }) offer = await ledger.GetPledgeAsync(o.Market, n, ct);
        Loan? loan = null;
        if (application.Status == ApplicationStatus.Granted && Loan.TryParseId(application.LoanId, out var bank, out var number))
            loan = await banks.GetLoanAsync(bank, number, ct);
        return LoanGrant.Resolve(application, offer, loan);
    }

    /// <summary>
    /// A loan as readers see it: its row, or, while its grant is half-way (numbered at approval, not yet written), the loan
    /// the grant will write once its pledge is active (null before that: nothing was granted yet).
    /// </summary>
    public async Task<Loan?> LoanAsReadAsync(BankId bank, long number, CancellationToken ct)
    {
        // The pending application first, the loan row after it: a grant that commits between the two reads is then seen
        // in the row (read after), never missed by both.
        var id = Loan.IdOf(bank, number);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {bank.Value} and RowKey ge {LoanRows.ApplicationFirst} and RowKey lt {LoanRows.ApplicationLast} and Pending eq true and LoanId eq {id}");
        var pending = new List<LoanApplication>();
        await foreach (var e in storage.Loans.QueryAsync<TableEntity>(filter, cancellationToken: ct)) pending.Add(LoanRows.ToApplication(bank, e));
        if (await banks.GetLoanAsync(bank, number, ct) is { } loan) return loan;
        foreach (var application in pending)
            if (await ResolveAsync(application, ct) is { Loan: { } built }) return built;
        return null;
    }

    /// <summary>The finisher: every bank's applications and loans with a step left, and submitted applications past their 30 days, driven to rest.</summary>
    public async Task<IReadOnlyList<string>> FinishAllAsync(CancellationToken ct)
    {
        var due = new List<(BankId Bank, long Number, bool IsLoan)>();
        var cutoff = (Now - LoanApplication.Lifetime).ToUniversalTime().ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        foreach (var bank in await banks.BanksAsync(ct))
        {
            var filter = TableClient.CreateQueryFilter($"PartitionKey eq {bank.Value} and (Pending eq true or (Status eq {nameof(ApplicationStatus.Submitted)} and CreatedAt le {cutoff}))");
            await foreach (var e in storage.Loans.QueryAsync<TableEntity>(filter, select: ["RowKey", "Number"], cancellationToken: ct))
                due.Add((bank, e.GetInt64("Number")!.Value, e.RowKey.StartsWith(LoanRows.LoanFirst, StringComparison.Ordinal)));
        }
        var done = await Bounded.SelectAsync(due, async d =>
        {
            try
            {
                if (d.IsLoan) await SettleLoanAsync(d.Bank, d.Number, ct);
                else await SettleAsync(d.Bank, d.Number, ct);
                return (string?)null;
            }
            catch (Exception ex) when (ex is DomainException or UnavailableException or InvalidOperationException or Azure.RequestFailedException)
            {
                // The next run tries again; the others are not held up.
                return $"{(d.IsLoan ? Loan.IdOf(d.Bank, d.Number) : LoanApplication.IdOf(d.Bank, d.Number))}: {ex.Message}";
            }
        }, 4, ct);
        var failed = done.OfType<string>().ToList();
        return [due.Count == 0 ? "No loan application had a step left." : $"Loan process: {due.Count - failed.Count} application(s) or loan(s) brought to rest.",
            .. failed.Select(f => "Not yet at rest: " + f)];
    }
}

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
/// step left, plus submitted applications past their 30 days, found through the due index: <see cref="FinishDueAsync"/>), and the readers'
/// resolution of the states in between (<see cref="LoanGrant.Resolve"/>).
/// </summary>
public sealed class LoanSteps(MarketWriter markets, BankWriter banks, TableLedger ledger, StorageContext storage, OfferIndex offers, DueIndex index, TimeProvider time)
    : ILoanSteps
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

    /// <summary>
    /// The finisher: the applications and loans with a step left, and submitted applications past their 30 days, found
    /// through the due index (<see cref="DueIndex.LoanSteps"/>: no bank is visited unless something of it is due), each
    /// driven to rest; an entry goes once its row no longer waits on it. One budget step per application or loan.
    /// </summary>
    public async Task<IReadOnlyList<string>> FinishDueAsync(TimerBudget budget, CancellationToken ct)
    {
        var due = budget.Stopped ? [] : await index.DueAsync(DueIndex.LoanSteps, Now, ct);
        var done = await Bounded.SelectAsync(due, async d =>
        {
            if (!BankId.TryParse(d.Owner, out var bank, out _) || !budget.TrySpend()) return ((string?)null, false);
            var isLoan = d.Item.Kind == Core.Market.DueKind.LoanStep;
            try
            {
                if (isLoan) await SettleLoanAsync(bank, d.Item.Number, ct);
                else await SettleAsync(bank, d.Item.Number, ct);
                await index.DropDoneAsync([d], async e => isLoan ? await banks.GetLoanAsync(bank, e.Item.Number, ct) : await banks.GetApplicationAsync(bank, e.Item.Number, ct), ct);
                return (null, true);
            }
            catch (Exception ex) when (ex is DomainException or UnavailableException or InvalidOperationException or Azure.RequestFailedException)
            {
                // The next run tries again (the entry stays); the others are not held up.
                return ($"{(isLoan ? Loan.IdOf(bank, d.Item.Number) : LoanApplication.IdOf(bank, d.Item.Number))}: {ex.Message}", true);
            }
        }, 4, ct);
        var failed = done.Select(d => d.Item1).OfType<string>().ToList();
        var visited = done.Count(d => d.Item2);
        return [visited == 0 ? "No loan application had a step left." : $"Loan process: {visited - failed.Count} application(s) or loan(s) brought to rest.",
            .. failed.Select(f => "Not yet at rest: " + f)];
    }
}

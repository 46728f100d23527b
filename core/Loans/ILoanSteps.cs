using Trading.Core.Access;
using Trading.Core.Finance;
using Trading.Core.Ledger;
using Trading.Core.Primitives;

namespace Trading.Core.Loans;

/// <summary>
/// The port the loan process drives: reads of the rows it decides from, and the two write shells (a market's, a bank's),
/// each running one use case as one partition transaction. Infra implements it with the writers; core tests in memory.
/// </summary>
public interface ILoanSteps
{
    DateTimeOffset Now { get; }

    Task<LoanApplication?> ApplicationAsync(BankId bank, long number, CancellationToken ct);

    Task<Loan?> LoanAsync(BankId bank, long number, CancellationToken ct);

    Task<Pledge?> PledgeAsync(MarketId market, long number, CancellationToken ct);

    /// <summary>Runs a market step; answers the pledge's id (also when the step replays an earlier answer under its key).</summary>
    Task<string> MarketAsync(IMarketUseCase<Pledge> step, Principal by, string? idempotencyKey, CancellationToken ct);

    Task BankAsync<T>(IBankUseCase<T> step, Principal by, CancellationToken ct);
}

using Trading.Core.Access;
using Trading.Core.Finance;
using Trading.Core.Ledger;
using Trading.Core.Loans;
using Trading.Core.Primitives;

namespace Trading.Core.Tests.Support;

/// <summary>
/// The loan process's port on in-memory partitions (one bank, one market), with a budget of commits: past it every write
/// throws <see cref="Stopped"/> before committing, as a client abort or a crashed instance would stop the process there.
/// </summary>
public sealed class InMemoryLoanSteps(InMemoryBank bank, InMemoryMarket market) : ILoanSteps
{
    public sealed class Stopped() : Exception("stopped before this write");

    public DateTimeOffset Now { get; set; } = new(2026, 11, 23, 10, 0, 0, TimeSpan.FromHours(8));

    /// <summary>How many more writes may commit (null: no limit).</summary>
    public int? Budget { get; set; }

    /// <summary>Every write that committed something, in order: the process's steps as run.</summary>
    public List<string> Committed { get; } = [];

    public Task<LoanApplication?> ApplicationAsync(BankId b, long number, CancellationToken ct) => Task.FromResult(bank.Application(number));

    public Task<Loan?> LoanAsync(BankId b, long number, CancellationToken ct) => Task.FromResult(bank.Loan(number));

    public Task<Pledge?> PledgeAsync(MarketId m, long number, CancellationToken ct) => Task.FromResult(market.Get<Pledge>("pledge:" + number));

    public Task<string> MarketAsync(IMarketUseCase<Pledge> step, Principal by, string? idempotencyKey, CancellationToken ct)
    {
        Spend();
        var context = new UseCaseContext(by, Now, idempotencyKey is null ? null : Hashing.Sha256Hex(by.Id + "\n" + idempotencyKey));
        var decision = market.Run(step, context);
        if (!decision.WritesNothing) Committed.Add(step.Action);
        return Task.FromResult(decision.Replayed?.ResourceId ?? decision.Answer!.Id);
    }

    public Task BankAsync<T>(IBankUseCase<T> step, Principal by, CancellationToken ct) => KeyedBankAsync(step, by, null);

    public Task KeyedBankAsync<T>(IBankUseCase<T> step, Principal by, string? idempotencyKey)
    {
        Spend();
        var decision = bank.Run(step, new UseCaseContext(by, Now, idempotencyKey is null ? null : Hashing.Sha256Hex(by.Id + "\n" + idempotencyKey)));
        if (!decision.WritesNothing) Committed.Add(step.Action);
        return Task.CompletedTask;
    }

    private void Spend()
    {
        if (Budget is 0) throw new Stopped();
        if (Budget is { } b) Budget = b - 1;
    }
}

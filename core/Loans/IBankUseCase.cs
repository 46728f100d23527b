using Trading.Core.Access;
using Trading.Core.Ledger;

namespace Trading.Core.Loans;

/// <summary>One write to one bank's book, pure: the rows it needs and a decision from them (as <see cref="IMarketUseCase{T}"/> for a market).</summary>
public interface IBankUseCase<T>
{
    BankId Bank { get; }
    string Action { get; }
    string? Fingerprint => null;
    BankReads Reads { get; }
    Decision<T> Decide(BankSnapshot snapshot, UseCaseContext context);
}

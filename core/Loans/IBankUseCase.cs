using Trading.Core.Access;
using Trading.Core.Ledger;
using Trading.Core.Writes;

namespace Trading.Core.Loans;

/// <summary>One write to one bank's book, pure: the rows it needs and a decision from them (as <see cref="IMarketUseCase{T}"/> for a market).</summary>
public interface IBankUseCase<T> : IUseCase<BankReads, BankSnapshot, T>
{
    BankId Bank { get; }

    string IUseCase<BankReads, BankSnapshot, T>.Partition => Bank.Value;

    string? IUseCase<BankReads, BankSnapshot, T>.Fingerprint => null;

    BankReads Reads { get; }

    BankReads IUseCase<BankReads, BankSnapshot, T>.ReadsOf(BankSnapshot? loaded, UseCaseContext context) => Reads;
}

using Trading.Core.Access;
using Trading.Core.Ledger;
using Trading.Core.Writes;

namespace Trading.Core.Loans;

/// <summary>The rows of one bank's book a use case read, each with its version.</summary>
public sealed record BankSnapshot(BankId Bank) : ISnapshot
{
    public Versioned<BankHead> Head { get; init; } = new(BankHead.Empty, null);
    public IReadOnlyDictionary<long, Versioned<LoanApplication>> Applications { get; init; } = new Dictionary<long, Versioned<LoanApplication>>();
    public IReadOnlyDictionary<long, Versioned<Loan>> Loans { get; init; } = new Dictionary<long, Versioned<Loan>>();
    public IdempotencyRecord? Idempotency { get; init; }
    public string? IdempotencyVersion { get; init; }

    IHead ISnapshot.CurrentHead => Head.Value;
    string? ISnapshot.HeadVersion => Head.Version;
}

namespace Trading.Core.Loans;

/// <summary>The rows of a bank's book a use case needs; the head is always read.</summary>
public sealed record BankReads(IReadOnlyCollection<long> Applications, IReadOnlyCollection<long> Loans)
{
    public static BankReads HeadOnly { get; } = new([], []);
}

namespace Trading.Core.Loans;

/// <summary>A bank's book head: the counters that number its applications and loans (every change writes it).</summary>
public sealed record BankHead(long Applications, long Loans)
{
    public static BankHead Empty { get; } = new(0, 0);
}

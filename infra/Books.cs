namespace Trading.Infra;

/// <summary>The books whose partitions take writes through the one shell: each a table, each partition with its head, audit and idempotency rows.</summary>
public static class Books
{
    /// <summary>The emission-rights ledger: one partition per market.</summary>
    public const string Ledger = "ledger";

    /// <summary>Banks' books: one partition per bank (applications, loans).</summary>
    public const string Loans = "loans";

    /// <summary>Every book, for the audit copier's first sweep.</summary>
    public static IReadOnlyList<string> All { get; } = [Ledger, Loans];
}

namespace Trading.Infra;

/// <summary>The books whose partitions take writes through the one shell: each a table, each partition with its head, audit and idempotency rows.</summary>
public static class Books
{
    /// <summary>The emission-rights ledger: one partition per market.</summary>
    public const string Ledger = "ledger";

    /// <summary>Banks' books: one partition per bank (applications, loans).</summary>
    public const string Loans = "loans";

    /// <summary>API keys: one partition (<c>key</c>) of the keys table.</summary>
    public const string Keys = "keys";

    /// <summary>Enterprises: one partition per firm (its credit code) of the enterprises table.</summary>
    public const string Enterprises = "enterprises";

    /// <summary>Banks' loan products: one partition per bank of the products table.</summary>
    public const string Products = "products";

    /// <summary>Import jobs: one partition per job of the imports table.</summary>
    public const string Imports = "imports";

    /// <summary>Heavy-pollution alerts: one partition per region prefix of the alerts table (alerts numbered by its head).</summary>
    public const string Alerts = "alerts";

    /// <summary>Firms' emergency plans: one partition per region (the firm's) of the emergencyplans table.</summary>
    public const string Plans = "plans";

    /// <summary>Industry rules: one partition per region prefix of the emergencyrules table.</summary>
    public const string Rules = "rules";

    /// <summary>Every book, for the audit copier.</summary>
    public static IReadOnlyList<string> All { get; } = [Ledger, Loans, Keys, Enterprises, Products, Imports, Alerts, Plans, Rules];
}

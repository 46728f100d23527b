namespace Trading.Core.Ledger;

/// <summary>
/// A row as read from a market's partition, with the version (ETag) it had. <see cref="Version"/> is null when the row
/// did not exist: writing it then means creating it, and the commit fails if someone created it meanwhile.
/// </summary>
public sealed record Versioned<T>(T Value, string? Version)
{
    public bool Exists => Version is not null;
}

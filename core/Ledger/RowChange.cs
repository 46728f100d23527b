using Trading.Core.Writes;

namespace Trading.Core.Ledger;

/// <summary>
/// One row a use case writes: created (<see cref="IfMatch"/> null: the commit fails if the row exists) or replaced under
/// If-Match on the version that was read (the commit fails if anyone wrote it since). Rows are domain values
/// (<see cref="Holding"/>, <see cref="Trade"/>, ...), each a case of <see cref="IRowVisitor{TResult}"/>; infra maps them to entities.
/// </summary>
public sealed record RowChange(IRow Row, string? IfMatch)
{
    /// <summary>Writes <paramref name="value"/> over the row read as <paramref name="read"/> (or creates it if it was absent).</summary>
    public static RowChange Of<T>(Versioned<T> read, T value) where T : IRow => new(value, read.Version);

    /// <summary>Creates a row that must not exist yet (a trade, an audit record, a new offer).</summary>
    public static RowChange New(IRow value) => new(value, null);
}

namespace Trading.Core.Writes;

/// <summary>
/// A row a use case writes. Every kind of row is a case of <see cref="IRowVisitor{TResult}"/>, so a storage adapter that
/// maps rows implements every case: a new kind of row that an adapter does not map does not compile.
/// </summary>
public interface IRow
{
    TResult Accept<TResult>(IRowVisitor<TResult> visitor);
}

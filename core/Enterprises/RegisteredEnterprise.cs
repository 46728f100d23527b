using Trading.Core.Primitives;
using Trading.Core.Writes;

namespace Trading.Core.Enterprises;

/// <summary>
/// An enterprise's row as a write changes it: the firm, and the region it was registered in before when the write moves
/// it (the by-region copy under that region is then removed after the commit). Only <see cref="Enterprise"/> is stored.
/// </summary>
public sealed record RegisteredEnterprise(Enterprise Enterprise, RegionCode? MovedFrom) : IRow
{
    public TResult Accept<TResult>(IRowVisitor<TResult> visitor) => visitor.Visit(this);
}

namespace Trading.Core.Registers;

/// <summary>The items of a register's partition a use case needs, by id; the head is always read.</summary>
public sealed record RegisterReads(IReadOnlyCollection<string> Ids)
{
    public static RegisterReads HeadOnly { get; } = new([]);

    public static RegisterReads Of(params string[] ids) => new(ids);
}

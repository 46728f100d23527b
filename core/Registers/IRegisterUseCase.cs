using Trading.Core.Ledger;
using Trading.Core.Writes;

namespace Trading.Core.Registers;

/// <summary>
/// One write to one partition of a register (keys, enterprises, products, imports), pure: the items it needs by id and a
/// decision from them, access rules included. Runs through the one <see cref="WriteShell{TReads,TSnapshot}"/>.
/// </summary>
public interface IRegisterUseCase<TItem, T> : IUseCase<RegisterReads, RegisterSnapshot<TItem>, T> where TItem : class
{
    /// <summary>The ids of the items the use case reads.</summary>
    IReadOnlyCollection<string> Ids { get; }

    RegisterReads IUseCase<RegisterReads, RegisterSnapshot<TItem>, T>.ReadsOf(RegisterSnapshot<TItem>? loaded, UseCaseContext context) => new(Ids);
}

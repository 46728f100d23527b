using Trading.Core.Access;
using Trading.Core.Ledger;
using Trading.Core.Registers;

namespace Trading.Core.Keys;

/// <summary>
/// Revokes a key by its id (admin only). Idempotent by state: a key already revoked answers as it is, writing nothing
/// (no second audit record). An id that names no key is 404.
/// </summary>
public sealed record RevokeKey(string Id) : IRegisterUseCase<ApiKey, ApiKey>
{
    public string Partition => ApiKey.Partition;
    public string Action => "key.revoked";
    public string? Fingerprint => null;
    public IReadOnlyCollection<string> Ids => [Id];

    public Decision<ApiKey> Decide(RegisterSnapshot<ApiKey> snapshot, UseCaseContext context)
    {
        if (context.Caller.Role != Role.Admin) throw new ForbiddenException("Only admin revokes keys.");
        var read = snapshot.Read(Id);
        if (!read.Exists) throw new NotFoundException($"No key {Id}.");
        if (read.Value.RevokedAt is not null) return Decision<ApiKey>.Unchanged(read.Value);
        var revoked = read.Value with { RevokedAt = context.Now, RevokedBy = context.Caller.Id };
        return new Decision<ApiKey>(revoked, [RowChange.Of(read, revoked)], null, [new AuditEntry(Action, Id)]);
    }
}

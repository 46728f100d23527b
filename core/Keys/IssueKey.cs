using Trading.Core.Access;
using Trading.Core.Ledger;
using Trading.Core.Registers;

namespace Trading.Core.Keys;

/// <summary>
/// Issues a key (admin only): the endpoint draws the random key and passes its hash, so the use case stays pure and the
/// clear key is never stored, not even in the idempotency record or the audit record (the rendered answer has no key).
/// Under an <c>Idempotency-Key</c> (optional for keys) a retry after a lost answer creates no second key: it answers the
/// key's record (without the key, which is shown once).
/// </summary>
public sealed record IssueKey(string Hash, Principal Subject, DateTimeOffset? ExpiresAt, bool UnderIdempotencyKey) : IRegisterUseCase<ApiKey, ApiKey>
{
    public string Partition => ApiKey.Partition;
    public string Action => "key.issued";
    public IReadOnlyCollection<string> Ids => [Hash];

    /// <summary>What the key is for; the hash (random) is not part of it, so a retry with a new random key is the same request.</summary>
    public string? Fingerprint => UnderIdempotencyKey
        ? Hashing.Sha256Hex($"key.issue\n{Subject.RoleName}\n{Subject.Subject}\n{(ExpiresAt is { } e ? e.UtcTicks.ToString(System.Globalization.CultureInfo.InvariantCulture) : "")}")
        : null;

    public Decision<ApiKey> Decide(RegisterSnapshot<ApiKey> snapshot, UseCaseContext context)
    {
        if (context.Caller.Role != Role.Admin) throw new ForbiddenException("Only admin issues keys.");
        if (ExpiresAt <= context.Now) throw new RuleViolationException("expiresAt must be in the future.");
        // The hash is of 256 random bits: a row with it is this request's own commit whose answer was lost (a retry of the
        // transaction found it), so it answers that key and writes nothing more.
        if (snapshot.Find(Hash) is { } issued) return Decision<ApiKey>.Unchanged(issued);
        var key = new ApiKey(Hash, Subject, context.Now, context.Caller.Id, ExpiresAt ?? context.Now + ApiKey.DefaultLifetime);
        return new Decision<ApiKey>(key, [RowChange.New(key)], null, [new AuditEntry(Action, key.Id)]) { ResourceId = key.Id };
    }
}

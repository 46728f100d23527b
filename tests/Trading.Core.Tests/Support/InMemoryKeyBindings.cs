using Trading.Core.Access;
using Trading.Core.Ledger;
using Trading.Core.Writes;

namespace Trading.Core.Tests.Support;

/// <summary>Key bindings in memory, as the table does them: first writer wins (a claim), a refusal releases, the same request adopts its binding by writing it.</summary>
public sealed class InMemoryKeyBindings : IKeyBindings
{
    private readonly Dictionary<string, KeyBinding> _bindings = new(StringComparer.Ordinal);
    private int _version;

    public IReadOnlyCollection<KeyBinding> Bound => _bindings.Values;

    public Task<KeyBinding?> FindAsync(string callerKeyHash, string fingerprint, CancellationToken ct)
    {
        if (!_bindings.TryGetValue(callerKeyHash, out var b)) return Task.FromResult<KeyBinding?>(null);
        return b.Fingerprint == fingerprint ? Task.FromResult<KeyBinding?>(b with { Mine = true }) : throw UseCaseRunner.KeyReused();
    }

    public Task<(KeyBinding Binding, bool Made)> BindAsync(Principal caller, string callerKeyHash, string fingerprint, string book, string partition, string token,
        KeyBinding? abandoned, CancellationToken ct)
    {
        if (_bindings.TryGetValue(callerKeyHash, out var existing))
            return existing.Fingerprint == fingerprint ? Task.FromResult((existing with { Mine = true }, false)) : throw UseCaseRunner.KeyReused();
        var binding = new KeyBinding(callerKeyHash, fingerprint, book, partition, DateTimeOffset.UnixEpoch, token, "b" + ++_version, Mine: true);
        _bindings[callerKeyHash] = binding;
        return Task.FromResult((binding, true));
    }

    public Task<(KeyBinding Binding, bool Made)> ClaimAsync(Principal caller, string callerKeyHash, string fingerprint, string book, string partition, string token,
        CancellationToken ct) => BindAsync(caller, callerKeyHash, fingerprint, book, partition, token, null, ct);

    public Task<KeyBinding?> AdoptAsync(KeyBinding binding, CancellationToken ct)
    {
        if (!_bindings.TryGetValue(binding.CallerKeyHash, out var b) || b.Version != binding.Version) return Task.FromResult<KeyBinding?>(null);
        var adopted = b with { Version = "b" + ++_version };
        _bindings[binding.CallerKeyHash] = adopted;
        return Task.FromResult<KeyBinding?>(adopted with { Mine = true });
    }

    public Task ReleaseAsync(KeyBinding claimed, CancellationToken ct) => UnbindAsync(claimed, ct);

    public Task UnbindAsync(KeyBinding binding, CancellationToken ct)
    {
        if (_bindings.TryGetValue(binding.CallerKeyHash, out var b) && b.Version == binding.Version) _bindings.Remove(binding.CallerKeyHash);
        return Task.CompletedTask;
    }
}

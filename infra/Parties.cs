using System.Collections.Concurrent;
using Trading.Core;
using Trading.Core.Enterprises;
using Trading.Core.Ledger;

namespace Trading.Infra;

/// <summary>Checks that the enterprises a write names are registered (422 otherwise). Firms are never deleted, so a yes is remembered.</summary>
public sealed class Parties(IEnterpriseStore enterprises)
{
    private readonly ConcurrentDictionary<string, bool> _registered = new(StringComparer.Ordinal);

    public async Task RequireRegisteredAsync(CancellationToken ct, params (Holder Holder, string Role)[] parties)
    {
        var checks = parties.Select(async p =>
        {
            if (p.Holder.Enterprise is not { } code || _registered.ContainsKey(code.Value)) return;
            if (await enterprises.GetAsync(code, ct) is null)
                throw new RuleViolationException($"The {p.Role} {code} is not a registered enterprise.", "Unregistered party.");
            _registered[code.Value] = true;
        }).ToList();
        await Task.WhenAll(checks); // the first failure in the order given is the answer
        foreach (var check in checks) await check;
    }
}

using Azure.Data.Tables;
using Trading.Core;
using Trading.Core.Access;
using Trading.Core.Primitives;
using Trading.Infra;
using Trading.Tests.Support;

namespace Trading.Tests;

/// <summary>
/// A key is claimed by an insert while the partition loads; a refused claimer deletes its claim, unless a request with the
/// same key and body adopted it (a write) to commit under it. Real key bindings, real Azurite.
/// </summary>
public sealed class KeyClaimTests
{
    private static readonly Principal Official = Principal.Official(RegionPrefix.Parse("13"));

    [Fact]
    public async Task A_refused_claimer_removes_its_claim_unless_a_request_with_the_same_body_adopted_it()
    {
        var azurite = await Azurite.Shared;
        var storage = new StorageContext(new StorageOptions { ConnectionString = azurite.ConnectionString, Prefix = "claim" + Guid.NewGuid().ToString("N")[..8] });
        await storage.EnsureCreatedAsync();
        var bindings = new KeyBindings(storage, TimeProvider.System);
        var hash = Core.Hashing.Sha256Hex(Official.Id + "\n" + "the-key");
        async Task<bool> BoundAsync() => (await storage.Idempotency.GetEntityIfExistsAsync<TableEntity>(hash, "")).HasValue;

        // Claimed, then refused: nothing is left.
        var (claimed, made) = await bindings.ClaimAsync(Official, hash, "request A", Books.Ledger, "131000-SO2", "token-1", CancellationToken.None);
        Assert.True(made);
        await bindings.ReleaseAsync(claimed, CancellationToken.None);
        Assert.False(await BoundAsync());

        // Claimed again; the same request sent at once finds it (its token), another request under the key is 422.
        (claimed, made) = await bindings.ClaimAsync(Official, hash, "request A", Books.Ledger, "131000-SO2", "token-2", CancellationToken.None);
        Assert.True(made);
        var (found, foundMade) = await bindings.ClaimAsync(Official, hash, "request A", Books.Ledger, "131000-SO2", "token-3", CancellationToken.None);
        Assert.False(foundMade);
        Assert.True(found.Mine);
        Assert.Equal("token-2", found.Token);
        await Assert.ThrowsAsync<RuleViolationException>(() => bindings.ClaimAsync(Official, hash, "request B", Books.Ledger, "131000-SO2", "token-4", CancellationToken.None));

        // The duplicate adopts it to commit under it: the claimer, refused, leaves it.
        var adopted = await bindings.AdoptAsync(found, CancellationToken.None);
        Assert.NotNull(adopted);
        await bindings.ReleaseAsync(claimed, CancellationToken.None);
        Assert.True(await BoundAsync());
        // An adoption from a stale read fails (claim again).
        Assert.Null(await bindings.AdoptAsync(found, CancellationToken.None));

        // A duplicate that found the claim before its release cannot adopt it after: it claims again.
        var hash2 = Core.Hashing.Sha256Hex(Official.Id + "\n" + "another-key");
        var (first, _) = await bindings.ClaimAsync(Official, hash2, "request C", Books.Ledger, "131000-SO2", "token-5", CancellationToken.None);
        var (late, _) = await bindings.ClaimAsync(Official, hash2, "request C", Books.Ledger, "131000-SO2", "token-6", CancellationToken.None);
        await bindings.ReleaseAsync(first, CancellationToken.None);
        Assert.Null(await bindings.AdoptAsync(late, CancellationToken.None));
    }
}

using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Trading.Core;
using Trading.Core.Access;
using Trading.Infra;

namespace Trading.Functions.Hosting;

/// <summary>Resolves <c>X-Api-Key</c> to a principal: the configured admin key, or an issued key (stored hashed).</summary>
public sealed class Authenticator(ApiKeyStore keys, IConfiguration configuration, TimeProvider time, EntraAuthOptions entra)
{
    public const string Header = "X-Api-Key";
    /// <summary>A key is looked up again after this long, so a revocation reaches every instance within a minute.</summary>
    private static readonly TimeSpan s_cacheFor = TimeSpan.FromSeconds(30);
    private readonly ConcurrentDictionary<string, (ApiKeyInfo Key, DateTimeOffset Until)> _cache = new(StringComparer.Ordinal);

    public async Task<Principal> AuthenticateAsync(HttpContext context)
    {
        var authorization = context.Request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return await EntraAuth.AuthenticateAsync(context, entra.Configured);
        var key = context.Request.Headers[Header].ToString();
        if (string.IsNullOrEmpty(key)) throw new UnauthenticatedException($"Send your API key in the {Header} header.");
        if (key.Length > 200) throw new UnauthenticatedException("The API key is not known.");
        var admin = configuration["Trading:AdminKey"];
        if (!string.IsNullOrEmpty(admin) &&
            CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(key)), SHA256.HashData(Encoding.UTF8.GetBytes(admin))))
            return Principal.Admin;
        var now = time.GetUtcNow();
        if (!_cache.TryGetValue(key, out var cached) || cached.Until <= now)
        {
            var found = await keys.FindAsync(key, context.RequestAborted) ?? throw new UnauthenticatedException("The API key is not known.");
            _cache[key] = cached = (found, now + s_cacheFor);
        }
        if (!cached.Key.IsValidAt(now))
            throw new UnauthenticatedException(cached.Key.RevokedAt is not null ? "The API key was revoked." : "The API key has expired.");
        return cached.Key.Principal;
    }
}

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

/// <summary>Whether Entra ID bearer tokens are configured (<c>Trading:Auth</c>).</summary>
public sealed record EntraAuthOptions(bool Configured);

public static class CallerExtensions
{
    /// <summary>The authenticated caller, or 401; when <paramref name="roles"/> are given, another role gets 403.</summary>
    public static async Task<Principal> CallerAsync(this HttpContext context, params Role[] roles)
    {
        var principal = await context.RequestServices.GetRequiredService<Authenticator>().AuthenticateAsync(context);
        if (roles.Length > 0 && !roles.Contains(principal.Role))
            throw new ForbiddenException($"A {principal.RoleName} key may not do this; it needs the role {string.Join(" or ", roles.Select(r => r.ToString().ToLowerInvariant()))}.");
        return principal;
    }

    public static T Service<T>(this HttpContext context) where T : notnull => context.RequestServices.GetRequiredService<T>();

    public static string? Query(this HttpContext context, string name)
    {
        var values = context.Request.Query[name];
        return values.Count == 0 ? null : values[^1];
    }

    public static DateTimeOffset Now(this HttpContext context) => context.Service<TimeProvider>().GetUtcNow();
}

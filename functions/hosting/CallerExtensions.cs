using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Trading.Core;
using Trading.Core.Access;
using Trading.Infra;

namespace Trading.Functions.Hosting;

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

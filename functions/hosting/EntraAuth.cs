using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.Tokens;
using Trading.Core;
using Trading.Core.Access;

namespace Trading.Functions.Hosting;

/// <summary>
/// Entra ID (Azure AD) bearer tokens beside API keys, validated by ASP.NET Core's JWT bearer handler: signature, issuer,
/// audience and lifetime. <c>Trading:Auth:Authority</c> + <c>Audience</c> read the issuer and signing keys from the
/// authority's OpenID metadata; offline, <c>Trading:Auth:Issuer</c> + <c>JwksFile</c> (a JSON Web Key Set as the
/// authority publishes it) do. The role is the token's app role (<c>roles</c>: Trading.Admin, Trading.Official,
/// Trading.Enterprise, Trading.Bank), the subject the claim <c>trading_subject</c>.
/// </summary>
public static class EntraAuth
{
    public const string Scheme = JwtBearerDefaults.AuthenticationScheme;

    /// <summary>Registers the JWT bearer handler when <c>Trading:Auth</c> is configured; returns whether it is.</summary>
    public static bool Configure(IHostApplicationBuilder builder)
    {
        var auth = builder.Configuration.GetSection("Trading:Auth");
        var authority = auth["Authority"];
        var issuer = auth["Issuer"];
        var audience = auth["Audience"];
        var jwks = auth["JwksFile"];
        if (string.IsNullOrEmpty(audience) || (string.IsNullOrEmpty(authority) && (string.IsNullOrEmpty(issuer) || string.IsNullOrEmpty(jwks)))) return false;
        builder.Services.AddAuthentication(Scheme).AddJwtBearer(Scheme, o =>
        {
            o.MapInboundClaims = false;
            o.TokenValidationParameters = new TokenValidationParameters
            {
                ValidateIssuer = true,
                ValidateAudience = true,
                ValidAudience = audience,
                ValidateLifetime = true,
                ValidateIssuerSigningKey = true,
                ClockSkew = TimeSpan.FromMinutes(2),
                RoleClaimType = "roles",
            };
            if (!string.IsNullOrEmpty(authority)) o.Authority = authority;
            else
            {
                o.TokenValidationParameters.ValidIssuer = issuer;
                o.TokenValidationParameters.IssuerSigningKeys = new JsonWebKeySet(File.ReadAllText(jwks!)).GetSigningKeys();
            }
        });
        return true;
    }

    private static readonly Dictionary<string, string> s_roles = new(StringComparer.Ordinal)
    {
        ["Trading.Admin"] = "admin",
        ["Trading.Official"] = "official",
        ["Trading.Enterprise"] = "enterprise",
        ["Trading.Bank"] = "bank",
    };

    /// <summary>The caller of a bearer token: 401 when the token is not valid (or no authority is configured), 403 without a valid role and subject.</summary>
    public static async Task<Principal> AuthenticateAsync(HttpContext context, bool configured)
    {
        if (!configured) throw new UnauthenticatedException("Bearer tokens are not accepted here (no Trading:Auth is configured); send an X-Api-Key.");
        var result = await context.AuthenticateAsync(Scheme);
        if (!result.Succeeded || result.Principal is null)
            throw new UnauthenticatedException("The bearer token is not valid (signature, issuer, audience or lifetime).");
        var roles = result.Principal.FindAll("roles").Select(c => c.Value).Where(s_roles.ContainsKey).Distinct().ToList();
        if (roles.Count != 1)
            throw new ForbiddenException("The token carries no single Trading app role (Trading.Admin, Trading.Official, Trading.Enterprise or Trading.Bank).");
        var role = s_roles[roles[0]];
        var subject = result.Principal.FindFirst("trading_subject")?.Value ?? "";
        var errors = new FieldErrors();
        return Principal.TryCreate(role, role == "admin" ? "" : subject, errors) is { } principal && !errors.Any
            ? principal
            : throw new ForbiddenException($"The token's trading_subject \"{subject}\" does not fit the role {role} (a region prefix, a credit code or a bank id).");
    }
}

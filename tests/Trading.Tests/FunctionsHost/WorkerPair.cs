using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Trading.Tests.Support;

namespace Trading.Tests.FunctionsHost;

/// <summary>
/// The same app twice, on one Azurite: the published worker under <see cref="TestFunctionsHost"/> and the standalone
/// server, each on its own table prefix, with the same admin key and the same Entra ID (offline JWKS) configuration.
/// </summary>
public sealed class WorkerPair : IAsyncLifetime
{
    public const string Issuer = "https://login.microsoftonline.com/worker-tenant/v2.0";
    public const string Audience = "api://trading";
    private readonly RsaSecurityKey _signing = new(RSA.Create(2048)) { KeyId = "worker-test-key" };
    private string _jwks = "";

    public string PublishedDirectory { get; private set; } = "";
    public TestFunctionsHost Host { get; private set; } = null!;
    public TestServer Standalone { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var azurite = await Azurite.Shared;
        var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(_signing.Rsa.ExportParameters(false)) { KeyId = _signing.KeyId });
        _jwks = Path.Combine(Path.GetTempPath(), $"jwks-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(_jwks, Newtonsoft.Json.JsonConvert.SerializeObject(new { keys = new[] { new { kty = jwk.Kty, use = "sig", alg = "RS256", kid = jwk.Kid, n = jwk.N, e = jwk.E } } }));
        var run = Guid.NewGuid().ToString("N")[..8];
        Standalone = await TestServer.StartAsync(azurite.ConnectionString, "s" + run, ApiFixture.AdminKey, null,
            $"--Trading:Auth:Issuer={Issuer}", $"--Trading:Auth:Audience={Audience}", $"--Trading:Auth:JwksFile={_jwks}");
        PublishedDirectory = await PublishedWorker.Directory;
        Host = await TestFunctionsHost.StartAsync(PublishedDirectory, new Dictionary<string, string>
        {
            ["Trading__Storage"] = azurite.ConnectionString,
            ["Trading__StoragePrefix"] = "w" + run,
            ["Trading__AdminKey"] = ApiFixture.AdminKey,
            ["Trading__Auth__Issuer"] = Issuer,
            ["Trading__Auth__Audience"] = Audience,
            ["Trading__Auth__JwksFile"] = _jwks,
        });
    }

    /// <summary>A valid Entra ID token with one app role.</summary>
    public string Token(string role, string subject)
    {
        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer, Audience = Audience, NotBefore = now.AddMinutes(-1), Expires = now.AddHours(1),
            Subject = new ClaimsIdentity([new Claim("roles", role), new Claim("trading_subject", subject)]),
            SigningCredentials = new SigningCredentials(_signing, SecurityAlgorithms.RsaSha256),
        });
    }

    public async Task DisposeAsync()
    {
        if (Host is not null) await Host.DisposeAsync();
        if (Standalone is not null) await Standalone.DisposeAsync();
        File.Delete(_jwks);
    }
}

using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Trading.Tests.Support;

namespace Trading.Tests;

/// <summary>Entra ID bearer tokens, signed here with RS256 keys whose JWKS file the test writes (the offline configuration).</summary>
public sealed class EntraAuthTests : IAsyncLifetime
{
    private const string Issuer = "https://login.microsoftonline.com/test-tenant/v2.0";
    private const string Audience = "api://trading";
    private readonly ApiFixture _api = new();
    private readonly RsaSecurityKey _key = new(RSA.Create(2048)) { KeyId = "test-key-1" };
    private readonly RsaSecurityKey _stranger = new(RSA.Create(2048)) { KeyId = "test-key-1" };
    private TestServer _server = null!;
    private string _jwks = "";

    public async Task InitializeAsync()
    {
        await _api.InitializeAsync();
        var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(_key.Rsa.ExportParameters(false)) { KeyId = _key.KeyId });
        jwk.Use = "sig";
        jwk.Alg = "RS256";
        _jwks = Path.Combine(Path.GetTempPath(), $"jwks-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(_jwks, Newtonsoft.Json.JsonConvert.SerializeObject(new { keys = new[] { new { kty = jwk.Kty, use = jwk.Use, alg = jwk.Alg, kid = jwk.Kid, n = jwk.N, e = jwk.E } } }));
        _server = await _api.StartServerAsync(null, $"--Trading:Auth:Issuer={Issuer}", $"--Trading:Auth:Audience={Audience}", $"--Trading:Auth:JwksFile={_jwks}");
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _api.DisposeAsync();
        File.Delete(_jwks);
    }

    private string Token(string? role, string? subject, SecurityKey? key = null, string issuer = Issuer, string audience = Audience, DateTime? expires = null)
    {
        var claims = new List<Claim>();
        if (role is not null) claims.Add(new Claim("roles", role));
        if (subject is not null) claims.Add(new Claim("trading_subject", subject));
        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer, Audience = audience, Subject = new ClaimsIdentity(claims),
            NotBefore = (expires ?? now.AddHours(1)) < now ? now.AddHours(-2) : now.AddMinutes(-1), Expires = expires ?? now.AddHours(1),
            SigningCredentials = new SigningCredentials(key ?? _key, SecurityAlgorithms.RsaSha256),
        });
    }

    private HttpClient Bearer(string token)
    {
        var client = _server.Client();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    [Fact]
    public async Task A_valid_token_per_role_works_like_the_matching_key()
    {
        var firm = (await _api.RegisterEnterpriseAsync("131024")).Value;
        using var official = Bearer(Token("Trading.Official", "1310"));
        Assert.Contains((JArray)(await official.GetJsonAsync("/api/enterprises?region=1310")).Expect(200).Body["items"]!, e => e["creditCode"]!.Value<string>() == firm);
        (await official.GetJsonAsync("/api/enterprises?region=13")).Expect(403);
        using var enterprise = Bearer(Token("Trading.Enterprise", firm));
        (await enterprise.GetJsonAsync($"/api/enterprises/{firm}")).Expect(200);
        (await enterprise.GetJsonAsync("/api/enterprises")).Expect(403);
        using var bank = Bearer(Token("Trading.Bank", "ICBC-LF"));
        Assert.Equal("bank", (await bank.GetJsonAsync("/api/whoami")).Expect(200).Body["role"]!.Value<string>());
        using var admin = Bearer(Token("Trading.Admin", null));
        (await admin.GetJsonAsync("/api/keys")).Expect(200);
    }

    [Fact]
    public async Task Expired_wrong_audience_wrong_issuer_or_badly_signed_tokens_get_401()
    {
        foreach (var token in new[]
                 {
                     Token("Trading.Official", "1310", expires: DateTime.UtcNow.AddHours(-1)),
                     Token("Trading.Official", "1310", audience: "api://other"),
                     Token("Trading.Official", "1310", issuer: "https://evil.example/"),
                     Token("Trading.Official", "1310", key: _stranger),
                     "not.a.jwt",
                 })
        {
            using var client = Bearer(token);
            var reply = (await client.GetJsonAsync("/api/whoami")).Expect(401);
            Assert.Equal("application/problem+json", reply.ContentType?.MediaType);
        }
    }

    [Fact]
    public async Task A_token_without_a_trading_role_or_with_a_bad_subject_gets_403()
    {
        foreach (var token in new[] { Token(null, "1310"), Token("Other.Role", "1310"), Token("Trading.Official", "13x"), Token("Trading.Enterprise", "91330100716105852E"), Token("Trading.Bank", null) })
        {
            using var client = Bearer(token);
            (await client.GetJsonAsync("/api/whoami")).Expect(403);
        }
    }

    [Fact]
    public async Task Without_Trading_Auth_bearer_tokens_are_refused_and_keys_work()
    {
        using var client = _api.Server.Client();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Token("Trading.Admin", null));
        (await client.GetJsonAsync("/api/whoami")).Expect(401);
        (await _api.Admin.GetJsonAsync("/api/whoami")).Expect(200);
    }
}

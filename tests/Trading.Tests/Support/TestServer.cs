using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Newtonsoft.Json.Linq;
using Trading.Functions.Hosting;

namespace Trading.Tests.Support;

/// <summary>The real server (Kestrel on a free loopback port) against a given storage account and table prefix.</summary>
public sealed class TestServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestServer(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }
    public IServiceProvider Services => _app.Services;

    public static async Task<TestServer> StartAsync(string connectionString, string prefix, string adminKey,
        Action<WebApplicationBuilder>? configure = null, params string[] extraArgs)
    {
        string[] args =
        [
            "--urls", "http://127.0.0.1:0",
            $"--Trading:Storage={connectionString}",
            $"--Trading:StoragePrefix={prefix}",
            $"--Trading:AdminKey={adminKey}",
            "--Logging:LogLevel:Default=Warning",
            "--Trading:Timers=false",
            .. extraArgs,
        ];
        var app = TradingApp.Build(args, configure);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new TestServer(app, new Uri(address));
    }

    public HttpClient Client(string? apiKey = null)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(120) };
        if (apiKey is not null) client.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>HTTP helpers for tests: JSON in, status and JSON out.</summary>
public static class Http
{
    public static StringContent JsonBody(string json) => new(json, Encoding.UTF8, "application/json");

    public static StringContent JsonBody(object value) => JsonBody(Newtonsoft.Json.JsonConvert.SerializeObject(value));

    public static async Task<Reply> SendAsync(this HttpClient client, HttpMethod method, string path, object? body = null,
        IDictionary<string, string>? headers = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is string s) request.Content = JsonBody(s);
        else if (body is not null) request.Content = JsonBody(body);
        if (headers is not null)
            foreach (var (k, v) in headers) request.Headers.TryAddWithoutValidation(k, v);
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return new Reply((int)response.StatusCode, text, response.Content.Headers.ContentType, response.Headers
            .Concat(response.Content.Headers).ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase));
    }

    public static Task<Reply> GetJsonAsync(this HttpClient client, string path) => client.SendAsync(HttpMethod.Get, path);
    public static Task<Reply> PostJsonAsync(this HttpClient client, string path, object body, IDictionary<string, string>? headers = null) =>
        client.SendAsync(HttpMethod.Post, path, body, headers);
    public static Task<Reply> PutJsonAsync(this HttpClient client, string path, object body) => client.SendAsync(HttpMethod.Put, path, body);
    public static Task<Reply> DeleteJsonAsync(this HttpClient client, string path) => client.SendAsync(HttpMethod.Delete, path);
}

public sealed record Reply(int Status, string Text, MediaTypeHeaderValue? ContentType, IReadOnlyDictionary<string, string> Headers)
{
    public JObject Body => (JObject)JsonConvert();

    private JToken JsonConvert()
    {
        using var reader = new Newtonsoft.Json.JsonTextReader(new StringReader(Text)) { FloatParseHandling = Newtonsoft.Json.FloatParseHandling.Decimal, DateParseHandling = Newtonsoft.Json.DateParseHandling.None };
        return JToken.ReadFrom(reader);
    }

    public JArray Array => (JArray)JsonConvert();

    public Reply Expect(int status)
    {
        Assert.True(Status == status, $"expected {status}, got {Status}: {Text}");
        return this;
    }

    public string? Header(string name) => Headers.TryGetValue(name, out var v) ? v : null;

    public override string ToString() => $"{Status} {Text}";
}

using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
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

using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Trading.Functions.Hosting;

namespace Trading.Bench;

/// <summary>The real server in-process on a free loopback port, its timers off, with an HTTP client holding the admin key.</summary>
public sealed class BenchServer : IAsyncDisposable
{
    public const string AdminKey = "bench";

    private BenchServer(WebApplication app, HttpClient http)
    {
        App = app;
        Http = http;
    }

    public WebApplication App { get; }
    public HttpClient Http { get; }

    public static async Task<BenchServer> StartAsync(string connectionString, string prefix, Action<WebApplicationBuilder>? configure = null)
    {
        var app = TradingApp.Build(["--urls", "http://127.0.0.1:0", $"--Trading:Storage={connectionString}", $"--Trading:StoragePrefix={prefix}",
            $"--Trading:AdminKey={AdminKey}", "--Trading:Timers=false", "--Logging:LogLevel:Default=Warning"], configure);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var http = new HttpClient { BaseAddress = new Uri(address) };
        http.DefaultRequestHeaders.Add("X-Api-Key", AdminKey);
        return new BenchServer(app, http);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }
}

using Trading.Functions.Hosting;
using Trading.Tests.Support;

namespace Trading.Tests;

public sealed class HostingTests
{
    [Fact]
    public void Emitted_function_json_files_match_the_declarations()
    {
        var dir = Path.Combine(Path.GetTempPath(), "trading-meta-" + Guid.NewGuid().ToString("N"));
        try
        {
            var root = Azurite.RepositoryRoot();
            MetadataEmitter.Emit(dir, FunctionCatalog.All, Path.Combine(root, "host.json"));

            var folders = Directory.GetDirectories(dir).Select(Path.GetFileName).Order().ToList();
            Assert.Equal(FunctionCatalog.All.Select(f => f.Name).Order(), folders);
            Assert.Equal(FunctionCatalog.All.Count, FunctionCatalog.All.Select(f => f.Name).Distinct().Count());
            foreach (var function in FunctionCatalog.All)
            {
                var json = JObject.Parse(File.ReadAllText(Path.Combine(dir, function.Name, "function.json")));
                var bindings = (JArray)json["bindings"]!;
                switch (function)
                {
                    case HttpFunction http:
                        Assert.Equal(2, bindings.Count);
                        Assert.Equal("httpTrigger", bindings[0]["type"]!.Value<string>());
                        Assert.Equal("in", bindings[0]["direction"]!.Value<string>());
                        Assert.Equal(http.Route, bindings[0]["route"]!.Value<string>());
                        Assert.Equal([http.Method.ToLowerInvariant()], bindings[0]["methods"]!.Values<string>());
                        Assert.Equal("anonymous", bindings[0]["authLevel"]!.Value<string>());
                        Assert.Equal("http", bindings[1]["type"]!.Value<string>());
                        Assert.Equal("out", bindings[1]["direction"]!.Value<string>());
                        break;
                    case TimerFunction timer:
                        var binding = Assert.Single(bindings);
                        Assert.Equal("timerTrigger", binding["type"]!.Value<string>());
                        Assert.Equal(timer.Schedule, binding["schedule"]!.Value<string>());
                        break;
                }
            }
            // One host.json: the repository's, which says what the emitter would.
            var host = JObject.Parse(File.ReadAllText(Path.Combine(dir, "host.json")));
            Assert.True(JToken.DeepEquals(MetadataEmitter.HostJson(), host), host.ToString());
            Assert.Equal("api", host["extensions"]!["http"]!["routePrefix"]!.Value<string>());
            Assert.True(host["customHandler"]!["enableProxyingHttpRequest"]!.Value<bool>());
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Every_route_and_method_pair_is_declared_once() =>
        Assert.Equal(FunctionCatalog.All.OfType<HttpFunction>().Count(),
            FunctionCatalog.All.OfType<HttpFunction>().Select(f => f.Method + " " + f.Route).Distinct().Count());

    [Fact]
    public async Task Under_the_functions_host_it_listens_on_loopback_at_the_given_port_and_answers_the_probe()
    {
        var azurite = await Azurite.Shared;
        var port = Azurite.FreePort();
        var app = TradingApp.Build([
            $"--FUNCTIONS_CUSTOMHANDLER_PORT={port}", $"--Trading:Storage={azurite.ConnectionString}", "--Trading:StoragePrefix=ch",
            "--Logging:LogLevel:Default=Warning",
        ]);
        await app.StartAsync();
        try
        {
            Assert.True(app.Services.GetRequiredService<HostingMode>().CustomHandler);
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            Assert.Equal(System.Net.HttpStatusCode.OK, (await client.GetAsync("/")).StatusCode);
            // The host proxies HTTP requests at their original path.
            (await client.GetJsonAsync("/api/health")).Expect(200);
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    [Fact]
    public async Task Unknown_paths_get_a_problem_404()
    {
        var azurite = await Azurite.Shared;
        await using var server = await TestServer.StartAsync(azurite.ConnectionString, "nf", ApiFixture.AdminKey);
        using var client = server.Client(ApiFixture.AdminKey);
        var reply = (await client.GetJsonAsync("/api/nothing-here")).Expect(404);
        Assert.Equal("application/problem+json", reply.ContentType?.MediaType);
    }
}

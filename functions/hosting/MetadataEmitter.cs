using Newtonsoft.Json.Linq;

namespace Trading.Functions.Hosting;

/// <summary>
/// Writes what the Azure Functions host reads: <c>host.json</c> and one <c>&lt;FunctionName&gt;/function.json</c> per
/// declared function, beside the published executable.
/// </summary>
public static class MetadataEmitter
{
    public const string ExecutableName = "Trading.Functions";

    public static JObject FunctionJson(FunctionDeclaration function) => function switch
    {
        HttpFunction http => new JObject
        {
            ["bindings"] = new JArray(
                new JObject
                {
                    ["type"] = "httpTrigger",
                    ["direction"] = "in",
                    ["name"] = "req",
                    ["authLevel"] = "anonymous",
                    ["methods"] = new JArray(http.Method.ToLowerInvariant()),
                    ["route"] = http.Route,
                },
                new JObject { ["type"] = "http", ["direction"] = "out", ["name"] = "res" }),
        },
        TimerFunction timer => new JObject
        {
            ["bindings"] = new JArray(new JObject
            {
                ["type"] = "timerTrigger",
                ["direction"] = "in",
                ["name"] = "timer",
                ["schedule"] = timer.Schedule,
                ["runOnStartup"] = false,
                ["useMonitor"] = true,
            }),
        },
        _ => throw new ArgumentOutOfRangeException(nameof(function)),
    };

    /// <summary>Writes host.json (copied from the repository root when given, so there is one host.json) and every function.json.</summary>
    public static IReadOnlyList<string> Emit(string directory, IEnumerable<FunctionDeclaration> functions, string? hostJsonSource)
    {
        Directory.CreateDirectory(directory);
        var written = new List<string>();
        var hostJson = Path.Combine(directory, "host.json");
        if (hostJsonSource is not null) File.Copy(hostJsonSource, hostJson, overwrite: true);
        else File.WriteAllText(hostJson, HostJson().ToString());
        written.Add(hostJson);
        foreach (var function in functions)
        {
            var folder = Path.Combine(directory, function.Name);
            Directory.CreateDirectory(folder);
            var path = Path.Combine(folder, "function.json");
            File.WriteAllText(path, FunctionJson(function).ToString() + "\n");
            written.Add(path);
        }
        return written;
    }

    /// <summary>The host.json this app needs (the repository's host.json holds the same).</summary>
    public static JObject HostJson() => new()
    {
        ["version"] = "2.0",
        ["customHandler"] = new JObject
        {
            ["description"] = new JObject { ["defaultExecutablePath"] = ExecutableName, ["workingDirectory"] = "", ["arguments"] = new JArray() },
            ["enableProxyingHttpRequest"] = true,
        },
        ["extensions"] = new JObject { ["http"] = new JObject { ["routePrefix"] = "api" } },
    };
}

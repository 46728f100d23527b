using System.Diagnostics;
using Trading.Tests.Support;

namespace Trading.Tests.FunctionsHost;

/// <summary>The worker as Azure receives it: <c>./run.sh publish DIR</c>, once per test run.</summary>
public static class PublishedWorker
{
    private static readonly Lazy<Task<string>> s_directory = new(PublishAsync);

    /// <summary>The published folder (published on first use).</summary>
    public static Task<string> Directory => s_directory.Value;

    private static async Task<string> PublishAsync()
    {
        var root = Azurite.RepositoryRoot();
        var output = Path.Combine(Path.GetTempPath(), "trading-worker-" + Guid.NewGuid().ToString("N")[..8]);
        var start = new ProcessStartInfo("bash") { WorkingDirectory = root, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { Path.Combine(root, "run.sh"), "publish", output }) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"./run.sh publish failed ({process.ExitCode}): {await stdout}\n{await stderr}");
        return output;
    }
}

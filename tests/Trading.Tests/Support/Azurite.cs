using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Trading.Tests.Support;

/// <summary>
/// One real Azurite (the pinned npm package in the repository's node_modules) per test run, in memory, on free
/// ports; killed when the test process exits. Test classes keep apart by table prefix.
/// </summary>
public sealed class Azurite : IAsyncDisposable
{
    private static readonly Lazy<Task<Azurite>> s_shared = new(StartAsync);
    private readonly Process _process;

    private Azurite(Process process, int blobPort, int tablePort, int queuePort)
    {
        _process = process;
        BlobPort = blobPort;
        TablePort = tablePort;
        QueuePort = queuePort;
    }

    public int BlobPort { get; }
    public int TablePort { get; }
    public int QueuePort { get; }

    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    public string ConnectionString => ConnectionStringFor(BlobPort, TablePort, QueuePort);

    public static Task<Azurite> Shared => s_shared.Value;

    /// <summary>A connection string to ports where nothing listens: storage that is down.</summary>
    public static string Unreachable()
    {
        var port = FreePort();
        return ConnectionStringFor(port, port, port);
    }

    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Trading.sln"))) return dir.FullName;
        throw new InvalidOperationException("Trading.sln not found above " + AppContext.BaseDirectory);
    }

    private static Task<Azurite> StartAsync() => StartAsync(FreePort(), FreePort());

    /// <summary>A dedicated Azurite on the given ports (the caller disposes it); in memory, or on disk in <paramref name="location"/>.</summary>
    public static async Task<Azurite> StartAsync(int blob, int table, string? location = null, int? queuePort = null)
    {
        var root = RepositoryRoot();
        var bin = Path.Combine(root, "node_modules", ".bin", "azurite");
        if (!File.Exists(bin)) throw new InvalidOperationException($"{bin} is missing: run `npm ci` (./test.sh does).");
        var queue = queuePort ?? FreePort();
        var start = new ProcessStartInfo(bin)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in (location is null ? ["--inMemoryPersistence"] : new[] { "--location", location }).Concat(new[]
                 {
                     "--skipApiVersionCheck", "--silent", "--loose",
                     "--blobHost", "127.0.0.1", "--queueHost", "127.0.0.1", "--tableHost", "127.0.0.1",
                     "--blobPort", blob.ToString(), "--queuePort", queue.ToString(), "--tablePort", table.ToString(),
                 }))
            start.ArgumentList.Add(arg);
        var process = Process.Start(start) ?? throw new InvalidOperationException("azurite did not start");
        var azurite0 = (Azurite?)null;
        process.OutputDataReceived += (_, e) => { if (e.Data?.Contains("successfully closed", StringComparison.Ordinal) == true) azurite0?.CountClosed(); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine("azurite: " + e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Kill(process);
        var azurite = new Azurite(process, blob, table, queue);
        azurite0 = azurite;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!(await Listening(blob) && await Listening(table) && await Listening(queue)))
        {
            if (process.HasExited) throw new InvalidOperationException($"azurite exited with {process.ExitCode}");
            if (DateTime.UtcNow > deadline) { Kill(process); throw new TimeoutException("azurite did not listen within 60 s"); }
            await Task.Delay(100);
        }
        return azurite;
    }

    private int _closed;
    private void CountClosed() => Interlocked.Increment(ref _closed);

    /// <summary>
    /// Stops Azurite as an operator would (SIGTERM: it closes its services and saves its data to disk), then ends the
    /// process: Azurite 3.37 never exits by itself after closing.
    /// </summary>
    public async Task StopAsync()
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString()])) await kill.WaitForExitAsync();
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (Volatile.Read(ref _closed) < 3 && !_process.HasExited && DateTime.UtcNow < deadline) await Task.Delay(50);
        Kill(_process);
        await _process.WaitForExitAsync();
    }

    public ValueTask DisposeAsync()
    {
        Kill(_process);
        return ValueTask.CompletedTask;
    }

    /// <summary>A connection string to the given ports.</summary>
    public static string ConnectionStringFor(int blob, int table, int queue) =>
        $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AccountKey};" +
        $"BlobEndpoint=http://127.0.0.1:{blob}/devstoreaccount1;TableEndpoint=http://127.0.0.1:{table}/devstoreaccount1;" +
        $"QueueEndpoint=http://127.0.0.1:{queue}/devstoreaccount1;";

    private static void Kill(Process process)
    {
        try { if (!process.HasExited) process.Kill(entireProcessTree: true); }
        catch (InvalidOperationException) { /* already gone */ }
    }

    private static async Task<bool> Listening(int port)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    public static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}

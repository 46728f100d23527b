using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using System.Threading.Channels;
using Grpc.Core;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Template;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Trading.Tests.FunctionsHost.Rpc;

namespace Trading.Tests.FunctionsHost;

/// <summary>
/// Plays the Azure Functions host for a real, published worker, over the host-worker gRPC protocol: it serves
/// <c>FunctionRpc.EventStream</c>, starts the worker as the host does (<c>--functions-uri</c> ...), initialises it, asks
/// for its functions (worker indexing) and loads them. An HTTP request is matched against the functions' routes as the
/// host matches it, then sent as an <c>InvocationRequest</c> while the request itself goes to the worker's own Kestrel
/// (the <c>HttpUri</c> capability) with <c>x-ms-invocation-id</c>; a timer is an <c>InvocationRequest</c> alone.
/// Test code only: in Azure this is Microsoft's host.
/// </summary>
public sealed class TestFunctionsHost : IAsyncDisposable
{
    private readonly Channel<StreamingMessage> _outbound = Channel.CreateUnbounded<StreamingMessage>();
    private readonly ConcurrentDictionary<string, TaskCompletionSource<StreamingMessage>> _pending = new();
    private readonly List<RpcLog> _logs = [];
    private readonly TaskCompletionSource<StartStream> _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly StringBuilder _output = new();
    private readonly HttpClient _http = new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false }) { Timeout = TimeSpan.FromMinutes(2) };
    private WebApplication? _grpc;
    private Process? _worker;
    private List<(RpcFunctionMetadata Metadata, JObject Trigger, TemplateMatcher? Matcher)> _functions = [];

    /// <summary>The functions the worker reported, as functions.metadata writes them: <c>{ name, bindings: [...] }</c>.</summary>
    public JArray Reported { get; private set; } = [];

    /// <summary>The worker's own Kestrel (its <c>HttpUri</c> capability).</summary>
    public Uri HttpUri { get; private set; } = null!;

    /// <summary>Every log message the worker sent over the event stream, with its invocation id (empty outside one).</summary>
    public IEnumerable<string> AllLogs { get { lock (_logs) return _logs.Select(m => $"[{m.InvocationId}] {m.Category}: {m.Message}").ToList(); } }

    /// <summary>What the worker process wrote to stdout and stderr so far.</summary>
    public string Output { get { lock (_output) return _output.ToString(); } }

    public static async Task<TestFunctionsHost> StartAsync(string appDirectory, IReadOnlyDictionary<string, string> environment)
    {
        var host = new TestFunctionsHost();
        try
        {
            await host.StartCoreAsync(appDirectory, environment);
            return host;
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
    }

    private async Task StartCoreAsync(string appDirectory, IReadOnlyDictionary<string, string> environment)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, o => o.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc(o => { o.MaxReceiveMessageSize = null; o.MaxSendMessageSize = null; });
        builder.Services.AddSingleton(this);
        builder.Logging.ClearProviders();
        _grpc = builder.Build();
        _grpc.MapGrpcService<FunctionRpcService>();
        await _grpc.StartAsync();
        var address = new Uri(_grpc.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

        // As the host starts a dotnet-isolated worker (worker.config.json: dotnet Trading.Functions.dll).
        var config = JObject.Parse(await File.ReadAllTextAsync(Path.Combine(appDirectory, "worker.config.json")));
        var start = new ProcessStartInfo(config["description"]!["defaultExecutablePath"]!.Value<string>()!)
        {
            WorkingDirectory = appDirectory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        var hostEndpoint = $"http://127.0.0.1:{address.Port}/";
        foreach (var arg in new[]
                 {
                     Path.Combine(appDirectory, config["description"]!["defaultWorkerPath"]!.Value<string>()!),
                     "--host", "127.0.0.1", "--port", address.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                     "--functions-uri", hostEndpoint, "--functions-worker-id", Guid.NewGuid().ToString(),
                     "--functions-request-id", Guid.NewGuid().ToString(), "--functions-grpc-max-message-length", "2147483647",
                 })
            start.ArgumentList.Add(arg);
        start.Environment["Functions__Worker__HostEndpoint"] = hostEndpoint;
        start.Environment["FUNCTIONS_WORKER_RUNTIME"] = "dotnet-isolated";
        start.Environment["FUNCTIONS_APPLICATION_DIRECTORY"] = appDirectory;
        start.Environment["AzureWebJobsScriptRoot"] = appDirectory;
        foreach (var (name, value) in environment) start.Environment[name] = value;
        _worker = Process.Start(start)!;
        _worker.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.AppendLine(e.Data); };
        _worker.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.AppendLine(e.Data); };
        _worker.BeginOutputReadLine();
        _worker.BeginErrorReadLine();

        var exited = _worker.WaitForExitAsync();
        var first = await Task.WhenAny(_started.Task, exited, Task.Delay(TimeSpan.FromMinutes(2)));
        if (first != _started.Task) throw new InvalidOperationException($"The worker did not open its event stream: {Output}");

        var init = (await RequestAsync(new StreamingMessage
        {
            WorkerInitRequest = new WorkerInitRequest
            {
                HostVersion = "4.1040.300.0", WorkerDirectory = appDirectory, FunctionAppDirectory = appDirectory,
                Capabilities = { ["HandlesWorkerTerminateMessage"] = "1" },
            },
        })).WorkerInitResponse;
        Require(init.Result, "WorkerInitRequest");
        HttpUri = new Uri(init.Capabilities["HttpUri"]);

        var metadata = (await RequestAsync(new StreamingMessage
        {
            FunctionsMetadataRequest = new FunctionsMetadataRequest { FunctionAppDirectory = appDirectory },
        })).FunctionMetadataResponse;
        Require(metadata.Result, "FunctionsMetadataRequest");
        foreach (var function in metadata.FunctionMetadataResults)
        {
            var bindings = new JArray(function.RawBindings.Select(JObject.Parse));
            Reported.Add(new JObject { ["name"] = function.Name, ["bindings"] = bindings });
            var trigger = bindings.Cast<JObject>().Single(b => b["type"]!.Value<string>()!.EndsWith("Trigger", StringComparison.Ordinal));
            var matcher = trigger["type"]!.Value<string>() == "httpTrigger"
                ? new TemplateMatcher(TemplateParser.Parse("api/" + trigger["route"]), new RouteValueDictionary())
                : null;
            _functions.Add((function, trigger, matcher));
            var loaded = (await RequestAsync(new StreamingMessage
            {
                FunctionLoadRequest = new FunctionLoadRequest { FunctionId = function.FunctionId, Metadata = function },
            })).FunctionLoadResponse;
            Require(loaded.Result, "FunctionLoadRequest " + function.Name);
        }

        // The worker names its HttpUri before its Kestrel listens: wait for it, as the host does before proxying.
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (true)
        {
            using var probe = new System.Net.Sockets.TcpClient();
            try
            {
                await probe.ConnectAsync(HttpUri.Host, HttpUri.Port);
                break;
            }
            catch (System.Net.Sockets.SocketException) when (DateTime.UtcNow < deadline && !_worker.HasExited)
            {
                await Task.Delay(100);
            }
        }
    }

    private void Require(StatusResult result, string what)
    {
        if (result.Status != StatusResult.Types.Status.Success)
            throw new InvalidOperationException($"{what} failed: {result.Exception?.Message}\n{Output}");
    }

    /// <summary>Sends a request to the worker as the host would; answers 404 without a body where no function's route matches (the host's own 404).</summary>
    public async Task<(HttpResponseMessage Response, InvocationResponse? Invocation)> SendAsync(HttpRequestMessage request)
    {
        var path = request.RequestUri!.AbsolutePath.TrimStart('/');
        var values = new RouteValueDictionary();
        var function = _functions.FirstOrDefault(f => f.Matcher is not null
            && f.Trigger["methods"]!.Values<string>().Contains(request.Method.Method, StringComparer.OrdinalIgnoreCase)
            && f.Matcher.TryMatch("/" + path, values = new RouteValueDictionary()));
        if (function.Metadata is null) return (new HttpResponseMessage(HttpStatusCode.NotFound) { Content = new ByteArrayContent([]) }, null);

        var invocationId = Guid.NewGuid().ToString();
        var traceParent = $"00-{ActivityTraceId.CreateRandom()}-{ActivitySpanId.CreateRandom()}-01";
        var http = new RpcHttp { Method = request.Method.Method, Url = request.RequestUri.ToString() };
        foreach (var (name, value) in values) http.Params[name] = value?.ToString() ?? "";
        var invocation = RequestAsync(new StreamingMessage
        {
            InvocationRequest = new InvocationRequest
            {
                InvocationId = invocationId, FunctionId = function.Metadata.FunctionId,
                InputData = { new ParameterBinding { Name = function.Trigger["name"]!.Value<string>(), Data = new TypedData { Http = http } } },
                TraceContext = new RpcTraceContext { TraceParent = traceParent },
            },
        });

        using var forward = new HttpRequestMessage(request.Method, new Uri(HttpUri, request.RequestUri.PathAndQuery)) { Content = request.Content };
        foreach (var (name, value) in request.Headers)
            if (!name.Equals("Host", StringComparison.OrdinalIgnoreCase)) forward.Headers.TryAddWithoutValidation(name, value);
        forward.Headers.TryAddWithoutValidation("x-ms-invocation-id", invocationId);
        forward.Headers.TryAddWithoutValidation("traceparent", traceParent);
        forward.Headers.TryAddWithoutValidation("X-Forwarded-Host", request.Headers.Host ?? request.RequestUri.Authority);
        forward.Headers.TryAddWithoutValidation("X-Forwarded-Proto", request.RequestUri.Scheme);
        var response = await _http.SendAsync(forward);
        await response.Content.LoadIntoBufferAsync();
        var done = await invocation.WaitAsync(TimeSpan.FromMinutes(2));
        return (response, done.InvocationResponse);
    }

    /// <summary>Fires a timer function as the host does on its schedule; answers the invocation's result and the log lines the worker sent for it.</summary>
    public async Task<(InvocationResponse Invocation, IReadOnlyList<string> Logs)> RunTimerAsync(string name)
    {
        var function = _functions.Single(f => f.Metadata.Name == name && f.Trigger["type"]!.Value<string>() == "timerTrigger");
        var invocationId = Guid.NewGuid().ToString();
        int first;
        lock (_logs) first = _logs.Count;
        var response = (await RequestAsync(new StreamingMessage
        {
            InvocationRequest = new InvocationRequest
            {
                InvocationId = invocationId, FunctionId = function.Metadata.FunctionId,
                InputData =
                {
                    new ParameterBinding
                    {
                        Name = function.Trigger["name"]!.Value<string>(),
                        Data = new TypedData { Json = """{"Schedule":{"AdjustForDST":true},"ScheduleStatus":null,"IsPastDue":false}""" },
                    },
                },
                TraceContext = new RpcTraceContext { TraceParent = $"00-{ActivityTraceId.CreateRandom()}-{ActivitySpanId.CreateRandom()}-01" },
            },
        }).WaitAsync(TimeSpan.FromMinutes(2))).InvocationResponse;
        await Task.Delay(500); // log messages sent just before the response
        // The invocation's own logs, and the app's logs (which the worker sends without an invocation id) sent meanwhile.
        lock (_logs)
            return (response, _logs.Skip(first).Where(l => l.InvocationId == invocationId || string.IsNullOrEmpty(l.InvocationId)).Select(l => l.Message).ToList());
    }

    private Task<StreamingMessage> RequestAsync(StreamingMessage message)
    {
        message.RequestId = Guid.NewGuid().ToString();
        var answer = new TaskCompletionSource<StreamingMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[message.RequestId] = answer;
        if (!_outbound.Writer.TryWrite(message)) throw new InvalidOperationException("the event stream is closed");
        return answer.Task.WaitAsync(TimeSpan.FromMinutes(2));
    }

    /// <summary>Serves the worker's event stream (called by <see cref="FunctionRpcService"/>).</summary>
    public async Task RunStreamAsync(IAsyncStreamReader<StreamingMessage> requests, IServerStreamWriter<StreamingMessage> responses, CancellationToken ct)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var writer = Task.Run(async () =>
        {
            await foreach (var message in _outbound.Reader.ReadAllAsync(stop.Token)) await responses.WriteAsync(message, stop.Token);
        }, stop.Token);
        try
        {
            await foreach (var message in requests.ReadAllAsync(ct))
            {
                switch (message.ContentCase)
                {
                    case StreamingMessage.ContentOneofCase.StartStream:
                        _started.TrySetResult(message.StartStream);
                        break;
                    case StreamingMessage.ContentOneofCase.RpcLog:
                        lock (_logs) _logs.Add(message.RpcLog);
                        break;
                    default:
                        if (_pending.TryRemove(message.RequestId, out var answer)) answer.TrySetResult(message);
                        break;
                }
            }
        }
        finally
        {
            await stop.CancelAsync();
            try { await writer; } catch (OperationCanceledException) { }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_worker is not null)
        {
            _outbound.Writer.TryWrite(new StreamingMessage { WorkerTerminate = new WorkerTerminate() });
            try { await _worker.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10)); }
            catch (TimeoutException) { _worker.Kill(entireProcessTree: true); }
            _worker.Dispose();
        }
        _outbound.Writer.TryComplete();
        if (_grpc is not null)
        {
            await _grpc.StopAsync();
            await _grpc.DisposeAsync();
        }
        _http.Dispose();
    }
}

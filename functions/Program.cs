using Trading.Functions.Hosting;

// One executable, two hosts: the Azure Functions host starts us as its isolated worker (with --functions-uri);
// anywhere else (./run.sh, tests, benchmarks) we serve standalone on Kestrel.
if (WorkerApp.StartedByFunctionsHost(args))
{
    using var worker = WorkerApp.Build(args);
    await worker.RunAsync();
    return 0;
}

var app = TradingApp.Build(args);
await app.RunAsync();
return 0;

/// <summary>Entry point type, visible to tests.</summary>
public partial class Program;

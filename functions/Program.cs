using Trading.Functions.Hosting;

// `emit-metadata <dir>` writes host.json and one <FunctionName>/function.json per declared function for Azure.
if (args is ["emit-metadata", var directory, ..])
{
    var hostJson = args.Length > 2 ? args[2] : null;
    foreach (var path in MetadataEmitter.Emit(directory, FunctionCatalog.All, hostJson)) Console.WriteLine(path);
    return 0;
}

var app = TradingApp.Build(args);
await app.RunAsync();
return 0;

/// <summary>Entry point type, visible to tests.</summary>
public partial class Program;

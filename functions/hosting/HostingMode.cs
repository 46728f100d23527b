namespace Trading.Functions.Hosting;

/// <summary>Whether the Azure Functions host runs us (isolated worker) or we run standalone.</summary>
public sealed record HostingMode(bool FunctionsHost);

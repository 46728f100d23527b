namespace Trading.Functions.Hosting;

/// <summary>An Azure Functions function, declared once: its trigger drives the standalone server, the worker's <c>[Function]</c> (<see cref="WorkerFunctions"/>) and the OpenAPI document.</summary>
public abstract record FunctionDeclaration(string Name);

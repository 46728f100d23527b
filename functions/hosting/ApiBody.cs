namespace Trading.Functions.Hosting;

/// <summary>A request body: its type and content type.</summary>
public sealed record ApiBody(Type Type, string ContentType, bool Optional);

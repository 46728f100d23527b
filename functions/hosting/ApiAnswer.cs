namespace Trading.Functions.Hosting;

/// <summary>A successful answer: status, body type (null when its shape is not described) and content type.</summary>
public sealed record ApiAnswer(int Status, Type? Type, string ContentType);
